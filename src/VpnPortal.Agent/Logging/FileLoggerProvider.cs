using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace VpnPortal.Agent.Logging;

/// <summary>
/// Logs to a daily file (<c>agent-yyyyMMdd.log</c>) in a directory, for the agent running unattended on Windows where
/// nobody sees a console. Writing happens on one background task behind a bounded queue: when the queue is full an
/// entry is dropped and counted (the count is written once there is room) rather than slowing the agent down. A
/// day's file stops growing at <see cref="MaxFileBytes"/>; files older than <see cref="RetainedDays"/> are deleted.
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly Channel<string> _queue;
    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Task _writer;
    private long _dropped;

    public FileLoggerProvider(string directory, LogLevel minimumLevel = LogLevel.Information, TimeProvider? time = null, long maxFileBytes = 20 * 1024 * 1024, int queueCapacity = 10_000, int retainedDays = 14)
    {
        Directory = directory;
        MinimumLevel = minimumLevel;
        MaxFileBytes = maxFileBytes;
        RetainedDays = retainedDays;
        _time = time ?? TimeProvider.System;
        _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        System.IO.Directory.CreateDirectory(directory);
        _writer = Task.Run(WriteAsync);
    }

    public string Directory { get; }

    public LogLevel MinimumLevel { get; }

    public long MaxFileBytes { get; }

    public int RetainedDays { get; }

    /// <summary>Entries dropped so far because the queue was full or the day's file was at its cap.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FileLogger(this, name));

    /// <summary>The file entries written at <paramref name="at"/> go to.</summary>
    public string FileFor(DateTimeOffset at) => Path.Combine(Directory, $"agent-{at.UtcDateTime:yyyyMMdd}.log");

    public void Dispose()
    {
        _queue.Writer.TryComplete();

        // Give the writer a moment to flush what is queued; a stuck disk must not hang the agent's shutdown.
        _writer.Wait(TimeSpan.FromSeconds(5));
    }

    private void Enqueue(string line)
    {
        if (!_queue.Writer.TryWrite(line))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task WriteAsync()
    {
        long reportedDropped = 0;
        string? currentPath = null;
        FileStream? stream = null;
        var capNoted = false;
        try
        {
            await foreach (var line in _queue.Reader.ReadAllAsync())
            {
                var now = _time.GetUtcNow();
                var path = FileFor(now);
                if (path != currentPath)
                {
                    if (stream is not null)
                    {
                        await stream.DisposeAsync();
                    }

                    stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
                    currentPath = path;
                    capNoted = false;
                    DeleteOldFiles(now);
                }

                var dropped = Interlocked.Read(ref _dropped);
                var text = dropped > reportedDropped
                    ? $"{Stamp(now)} [Warning] VpnPortal.Agent.Logging: {dropped - reportedDropped} log entries were dropped (queue full or file cap reached){Environment.NewLine}{line}"
                    : line;
                reportedDropped = dropped;

                if (stream!.Length + Encoding.UTF8.GetByteCount(text) > MaxFileBytes)
                {
                    if (!capNoted)
                    {
                        var note = Encoding.UTF8.GetBytes($"{Stamp(now)} [Warning] VpnPortal.Agent.Logging: this file reached {MaxFileBytes} bytes; further entries today are dropped and counted{Environment.NewLine}");
                        await stream.WriteAsync(note);
                        capNoted = true;
                    }

                    Interlocked.Increment(ref _dropped);
                    reportedDropped++;
                    continue;
                }

                await stream.WriteAsync(Encoding.UTF8.GetBytes(text));
                if (_queue.Reader.Count == 0)
                {
                    await stream.FlushAsync();
                }
            }
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private void DeleteOldFiles(DateTimeOffset now)
    {
        var oldest = FileFor(now.AddDays(-RetainedDays));
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "agent-*.log"))
        {
            // The names sort by date, so an ordinal comparison finds the files older than the retention.
            if (string.CompareOrdinal(file, oldest) < 0)
            {
                File.Delete(file);
            }
        }
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = new StringBuilder()
                .Append(Stamp(provider._time.GetUtcNow())).Append(" [").Append(logLevel).Append("] ").Append(category).Append(": ")
                .Append(formatter(state, exception));
            if (exception is not null)
            {
                line.Append(Environment.NewLine).Append(exception);
            }

            provider.Enqueue(line.Append(Environment.NewLine).ToString());
        }
    }
}
