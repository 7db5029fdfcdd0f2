using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Recur.Tests.Infrastructure;

/// <summary>
/// Recur as a real child process (<c>dotnet Recur.Web.dll</c>, the build the test project references), configured
/// by environment variables only, listening on a fixed loopback port so that it can be killed and started again at
/// the same address. Its output goes to a log file; the last lines are kept for failure messages.
/// </summary>
public sealed class RecurProcess(IReadOnlyDictionary<string, string> environment, string workingDirectory, int port) : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private Process? _process;
    private StreamWriter? _log;
    private int _starts;

    public Uri Address { get; } = new($"http://127.0.0.1:{port}");

    /// <summary>How many times the process was started.</summary>
    public int Starts => _starts;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The last lines Recur wrote, for failure messages.</summary>
    public string Tail
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    /// <summary>A free loopback port (the OS picks it; it is released for Recur to bind).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts Recur and waits until <c>/health</c> answers 200.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("Recur is already running.");
        }
        var start = new ProcessStartInfo(DotnetHost(), [Path.Combine(AppContext.BaseDirectory, "Recur.Web.dll"), "--urls", Address.ToString().TrimEnd('/')])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
            || k.StartsWith("Stripe__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var number = Interlocked.Increment(ref _starts);
        var log = _log = new StreamWriter(Path.Combine(workingDirectory, $"recur-{number}.log")) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) => Write(log, $"[exited with {process.ExitCode}]");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + StartDeadline;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Recur exited while starting (exit code {process.ExitCode}):\n{Tail}");
            }
            try
            {
                using var response = await http.GetAsync("/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A health request timed out on a busy machine: ask again.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Recur did not become healthy within {StartDeadline.TotalSeconds} seconds:\n{Tail}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, as a crash or an OOM kill. Returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync();
        lock (_gate)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _process = null;
    }

    private void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
            _tail.Enqueue(line);
            while (_tail.Count > 60)
            {
                _tail.Dequeue();
            }
        }
    }

    /// <summary>The <c>dotnet</c> host running the tests (the CLI sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
