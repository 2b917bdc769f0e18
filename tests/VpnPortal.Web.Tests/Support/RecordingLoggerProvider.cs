using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// Every line the portal logs that passes its filters, as "category: message", followed by the exception when one was
/// logged with it (its message, type and stack, inner exceptions included): what a log file or a log service would keep.
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _warnings = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The lines logged at Warning or above.</summary>
    public IReadOnlyList<string> Warnings => [.. _warnings];

    /// <summary>Adds this provider to a portal's services, hearing everything (Trace and up) from every category, the HTTP client factory's included.</summary>
    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(this);
        services.Configure<LoggerFilterOptions>(o => o.AddFilter<RecordingLoggerProvider>(null, LogLevel.Trace));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines, _warnings);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines, ConcurrentQueue<string> warnings) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = exception is null ? $"{category}: {formatter(state, exception)}" : $"{category}: {formatter(state, exception)}{Environment.NewLine}{exception}";
            lines.Enqueue(line);
            if (logLevel >= LogLevel.Warning)
            {
                warnings.Enqueue(line);
            }
        }
    }
}
