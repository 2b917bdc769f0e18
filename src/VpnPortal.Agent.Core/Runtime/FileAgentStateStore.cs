using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Runtime;

/// <summary>
/// The agent's state in a directory: <c>agent.json</c> (identity and credential) and <c>state.json</c> (last
/// sequence, executed commands). The credential is protected with DPAPI (LocalMachine) on Windows and written
/// owner-only (0600, in a 0700 directory) elsewhere. Every write goes to a temporary file that is then moved over
/// the old one, so a crash leaves either the old or the new file, never half of one.
/// </summary>
public sealed class FileAgentStateStore : IAgentStateStore
{
    public const string IdentityFileName = "agent.json";
    public const string StateFileName = "state.json";

    private const string DpapiProtection = "dpapi-local-machine";
    private const string FilePermissionProtection = "owner-only-file";

    // Ties the DPAPI blob to this use, so another program protecting with LocalMachine cannot be handed it by mistake.
    private static readonly byte[] DpapiEntropy = Encoding.UTF8.GetBytes("VpnPortal.Agent credential v1");

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private RuntimeFile? _runtime;
    private ExecutedCommandLog? _executed;

    public FileAgentStateStore(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public string IdentityPath => Path.Combine(Directory, IdentityFileName);

    public string StatePath => Path.Combine(Directory, StateFileName);

    /// <summary><c>%ProgramData%\VpnPortal\Agent</c> on Windows, <c>$XDG_CONFIG_HOME/vpnportal-agent</c> or <c>~/.config/vpnportal-agent</c> elsewhere.</summary>
    public static string DefaultDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "VpnPortal", "Agent");
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var configHome = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config")
            : xdg;
        return Path.Combine(configHome, "vpnportal-agent");
    }

    public async Task<AgentIdentity?> LoadIdentityAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(IdentityPath))
        {
            return null;
        }

        var file = await ReadAsync<IdentityFile>(IdentityPath, cancellationToken);
        return new AgentIdentity(
            new Uri(file.Portal),
            file.AgentId,
            file.ServerId,
            file.Role,
            file.MachineName,
            UnprotectCredential(file),
            file.ReportIntervalSeconds);
    }

    public async Task SaveIdentityAsync(AgentIdentity identity, CancellationToken cancellationToken)
    {
        var file = new IdentityFile
        {
            Portal = identity.Portal.ToString(),
            AgentId = identity.AgentId,
            ServerId = identity.ServerId,
            Role = identity.Role,
            MachineName = identity.MachineName,
            ReportIntervalSeconds = identity.ReportIntervalSeconds,
        };
        if (OperatingSystem.IsWindows())
        {
            var blob = ProtectedData.Protect(Encoding.UTF8.GetBytes(identity.Credential), DpapiEntropy, DataProtectionScope.LocalMachine);
            file = file with { CredentialProtection = DpapiProtection, ProtectedCredential = Convert.ToBase64String(blob) };
        }
        else
        {
            file = file with { CredentialProtection = FilePermissionProtection, Credential = identity.Credential };
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // A new identity starts a new sequence and command history at the portal: keep nothing of the old one.
            await WriteAtomicallyAsync(IdentityPath, file, cancellationToken);
            _runtime = new RuntimeFile();
            _executed = new ExecutedCommandLog(IAgentStateStore.ExecutedCommandLimit);
            await WriteAtomicallyAsync(StatePath, _runtime, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<long> LoadLastSequenceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return (await RuntimeAsync(cancellationToken)).LastSequence;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SaveLastSequenceAsync(long sequence, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var runtime = await RuntimeAsync(cancellationToken);
            runtime.LastSequence = sequence;
            await SaveRuntimeAsync(runtime, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ExecutedCommand?> FindExecutedAsync(Guid commandId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await RuntimeAsync(cancellationToken);
            return _executed!.Find(commandId);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task RecordExecutedAsync(ExecutedCommand command, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var runtime = await RuntimeAsync(cancellationToken);
            _executed!.Record(command);
            await SaveRuntimeAsync(runtime, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<RuntimeFile> RuntimeAsync(CancellationToken cancellationToken)
    {
        if (_runtime is null)
        {
            _runtime = File.Exists(StatePath) ? await ReadAsync<RuntimeFile>(StatePath, cancellationToken) : new RuntimeFile();
            _executed = new ExecutedCommandLog(IAgentStateStore.ExecutedCommandLimit, _runtime.ExecutedCommands);
        }

        return _runtime;
    }

    private Task SaveRuntimeAsync(RuntimeFile runtime, CancellationToken cancellationToken)
    {
        runtime.ExecutedCommands = [.. _executed!.InOrder()];
        return WriteAtomicallyAsync(StatePath, runtime, cancellationToken);
    }

    private static string UnprotectCredential(IdentityFile file)
    {
        if (file.CredentialProtection == DpapiProtection)
        {
            if (!OperatingSystem.IsWindows())
            {
                throw new InvalidOperationException("The agent's credential was protected with DPAPI on Windows and cannot be read here; enroll this agent again.");
            }

            var blob = Convert.FromBase64String(file.ProtectedCredential ?? "");
            return Encoding.UTF8.GetString(ProtectedData.Unprotect(blob, DpapiEntropy, DataProtectionScope.LocalMachine));
        }

        return file.Credential ?? throw new InvalidDataException($"{IdentityFileName} has no credential; enroll this agent again.");
    }

    private static async Task<T> ReadAsync<T>(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(stream, FileJson, cancellationToken)
            ?? throw new InvalidDataException($"{path} is empty.");
    }

    private async Task WriteAtomicallyAsync<T>(string path, T value, CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Created owner-only, so there is no moment in which the credential is readable by others.
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            {
                await JsonSerializer.SerializeAsync(stream, value, FileJson, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            // Leave no stray temporary copies of the credential behind; the original error is what matters.
            File.Delete(temporary);
            throw;
        }
    }

    private void EnsureDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, OwnerOnlyDirectory);
        }
    }

    private sealed record IdentityFile
    {
        public required string Portal { get; init; }
        public required Guid AgentId { get; init; }
        public required Guid ServerId { get; init; }
        public required AgentRole Role { get; init; }
        public required string MachineName { get; init; }
        public int ReportIntervalSeconds { get; init; } = AgentRoutes.DefaultReportIntervalSeconds;
        public string CredentialProtection { get; init; } = FilePermissionProtection;

        /// <summary>Only where the file's permissions protect it (not Windows).</summary>
        public string? Credential { get; init; }

        /// <summary>DPAPI LocalMachine blob, base64 (Windows).</summary>
        public string? ProtectedCredential { get; init; }
    }

    private sealed class RuntimeFile
    {
        public long LastSequence { get; set; }
        public List<ExecutedCommand> ExecutedCommands { get; set; } = [];
    }
}
