using System.Diagnostics;
using System.Text;

namespace VpnPortal.Agent.Windows;

/// <summary>One run of an external program: what to start, with which environment, and how long it may take.</summary>
public sealed record ProcessSpec
{
    public required string FileName { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Variables added to the inherited environment; this is how untrusted values reach a script, as data.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public required TimeSpan Timeout { get; init; }
}

public sealed record ProcessOutcome(int ExitCode, string StandardOutput, string StandardError);

/// <summary>A program that did not finish within its time; it has been killed with its children.</summary>
public sealed class ProcessTimedOutException(string fileName, TimeSpan timeout)
    : TimeoutException(FormattableString.Invariant($"{Path.GetFileName(fileName)} did not finish within {timeout.TotalSeconds:0.#} s and was stopped."));

/// <summary>Starts programs; behind an interface so the host's mapping logic is tested with recorded outputs.</summary>
public interface IProcessRunner
{
    Task<ProcessOutcome> RunAsync(ProcessSpec spec, CancellationToken cancellationToken);
}

/// <summary>Runs a program to completion, reading stdout and stderr as UTF-8 concurrently (so neither pipe fills and blocks it).</summary>
public sealed class ProcessRunner : IProcessRunner
{
    public async Task<ProcessOutcome> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in spec.Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{spec.FileName} could not be started.");

        // Nothing is ever typed into these programs; a closed stdin makes one that waits for input fail instead of hang.
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(spec.Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(stdout, stderr);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ProcessTimedOutException(spec.FileName, spec.Timeout);
        }

        return new ProcessOutcome(process.ExitCode, await stdout, await stderr);
    }
}
