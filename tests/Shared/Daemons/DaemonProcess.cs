using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Constellation.Tests.Daemons;

/// <summary>
/// A daemon of this repository run as a real process (<c>dotnet &lt;dll&gt;</c>, the build output of its project) with
/// its standard error captured line by line. Every wait is bounded. Dispose kills what is still running (the whole
/// process tree). BCL only: this file is compiled into every test project.
/// </summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _errorLines = new();
    private readonly ConcurrentQueue<string> _outputLines = new();

    private DaemonProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>Gets a short name for messages.</summary>
    public string Name { get; }

    /// <summary>Gets the process ID.</summary>
    public int Id => _process.Id;

    /// <summary>Gets whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets the exit code (after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Gets every line the process (and children that share its standard error) wrote to standard error so far.</summary>
    public IReadOnlyList<string> ErrorLines => [.. _errorLines];

    /// <summary>Gets standard error so far as one text.</summary>
    public string Log => string.Join("\n", _errorLines);

    /// <summary>Gets standard output so far.</summary>
    public string Output => string.Join("\n", _outputLines);

    /// <summary>
    /// The build output of a project under <c>src/</c>, in the configuration this test assembly was built in
    /// (<c>src/&lt;project&gt;/bin/&lt;configuration&gt;/net10.0/&lt;assembly&gt;.dll</c>).
    /// </summary>
    public static string BuiltAssembly(string project, string assembly)
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        var path = TestData.Repository(Path.Combine("src", project, "bin", configuration, framework.Name, assembly + ".dll"));
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assembly}.dll is not built at {path}; build {project} ({configuration}) first", path);
    }

    /// <summary>Starts <c>dotnet &lt;dll&gt; &lt;args&gt;</c> with standard input closed.</summary>
    public static DaemonProcess Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? name = null) =>
        StartExecutable("dotnet", [dll, .. args], environment, name ?? Path.GetFileNameWithoutExtension(dll));

    /// <summary>Starts an executable (e.g. the published Native AOT CLI) with standard input closed.</summary>
    public static DaemonProcess StartExecutable(string executable, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? name = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The daemons read CONSTELLATION_* variables: the test's own environment must not leak into them.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("CONSTELLATION_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        var daemon = new DaemonProcess(process, name ?? Path.GetFileName(executable));
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                daemon._errorLines.Enqueue(e.Data);
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                daemon._outputLines.Enqueue(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        process.StandardInput.Close();
        return daemon;
    }

    /// <summary>Runs a process to its end (bounded) and returns its exit code.</summary>
    public static async Task<DaemonProcess> RunAsync(string dll, IEnumerable<string> args, TimeSpan bound, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var daemon = Start(dll, args, environment);
        await daemon.WaitForExitAsync(bound);
        return daemon;
    }

    /// <summary>Waits for the process to exit.</summary>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="bound"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} (pid {Id}) did not exit within {bound}; its log:\n{Log}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends a signal (<c>TERM</c>, <c>INT</c>, <c>KILL</c>) with <c>kill(1)</c>.</summary>
    public void Signal(string signal) => SignalProcess(Id, signal);

    /// <summary>Sends a signal to any process with <c>kill(1)</c>.</summary>
    public static void SignalProcess(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Gets whether a process with this PID exists (and is not a zombie).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, then waits for the exit within <paramref name="bound"/>.</summary>
    public Task<int> StopAsync(TimeSpan bound)
    {
        Signal("TERM");
        return WaitForExitAsync(bound);
    }

    /// <summary>Waits until the process writes a line to standard output that satisfies <paramref name="condition"/>.</summary>
    /// <returns>The first such line.</returns>
    /// <exception cref="InvalidOperationException">The process exited first.</exception>
    /// <exception cref="TimeoutException">No such line within <paramref name="bound"/>.</exception>
    public async Task<string> WaitForOutputLineAsync(Func<string, bool> condition, TimeSpan bound, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            // Read the lines before asking whether it exited: a line written just before the exit still counts.
            var exited = HasExited;
            if (_outputLines.FirstOrDefault(condition) is { } line)
            {
                return line;
            }

            if (exited)
            {
                throw new InvalidOperationException($"{Name} exited with code {ExitCode} before {what}; its output:\n{Output}\nits log:\n{Log}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Name}: {what} within {bound}; its output:\n{Output}\nits log:\n{Log}");
    }

    /// <summary>Waits until the JSON file at <paramref name="path"/> satisfies <paramref name="condition"/>.</summary>
    public async Task<JsonElement> WaitForJsonAsync(string path, Func<JsonElement, bool> condition, TimeSpan bound, string what)
    {
        var clock = Stopwatch.StartNew();
        string? last = null;
        while (clock.Elapsed < bound)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {ExitCode} while waiting for {what}; last {Path.GetFileName(path)}: {last}; its log:\n{Log}");
            }

            try
            {
                last = await File.ReadAllTextAsync(path);
                using var json = JsonDocument.Parse(last);
                if (condition(json.RootElement))
                {
                    return json.RootElement.Clone();
                }
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                // Not there yet (the daemon replaces the file whole, so a parse error means "not yet written").
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name}: {what} within {bound}; last {Path.GetFileName(path)}: {last}; its log:\n{Log}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Gone already, or the kernel is slow to reap: nothing more to do in a test.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
