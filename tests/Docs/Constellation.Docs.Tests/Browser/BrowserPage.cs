using System.Text.Json;
using System.Text.Json.Nodes;

namespace Constellation.Docs.Tests.Browser;

/// <summary>One tab, driven through its DevTools session: navigate, evaluate script, type, take screenshots.</summary>
internal sealed class BrowserPage
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private readonly DevToolsConnection _devTools;
    private readonly string _session;

    public BrowserPage(DevToolsConnection devTools, string session)
    {
        _devTools = devTools;
        _session = session;
    }

    /// <summary>Loads <paramref name="url"/> and waits until the document and its scripts have finished loading.</summary>
    public async Task NavigateAsync(Uri url)
    {
        var navigation = await SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri });
        if (navigation.TryGetProperty("errorText", out var error) && !string.IsNullOrEmpty(error.GetString()))
        {
            Assert.Fail($"loading {url} failed: {error.GetString()}");
        }

        var href = JsonSerializer.Serialize(url.AbsoluteUri);
        await WaitForAsync($"location.href === {href} && document.readyState === 'complete'", $"{url} to load");
    }

    /// <summary>Evaluates a script expression in the page (promises awaited) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var reply = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        });
        if (reply.TryGetProperty("exceptionDetails", out var exception))
        {
            Assert.Fail($"script failed in the page: {expression}{Environment.NewLine}{exception.GetRawText()}");
        }

        var result = reply.GetProperty("result");
        return result.TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Polls a boolean expression until it is true; fails the test with <paramref name="what"/> when it never is.</summary>
    public async Task WaitForAsync(string condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        while (DateTime.UtcNow < deadline)
        {
            var value = await EvaluateAsync($"Boolean({condition})");
            if (value.ValueKind == JsonValueKind.True)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"timed out after {timeout ?? DefaultWait} waiting for {what} ({condition})");
    }

    /// <summary>Types text into the focused element the way an input method commits it (an <c>input</c> event follows).</summary>
    public Task InsertTextAsync(string text) => SendAsync("Input.insertText", new JsonObject { ["text"] = text });

    /// <summary>Saves a PNG of the viewport.</summary>
    public async Task<string> ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        var png = Convert.FromBase64String(shot.GetProperty("data").GetString()!);
        await File.WriteAllBytesAsync(path, png);
        return path;
    }

    private async Task<JsonElement> SendAsync(string method, JsonObject parameters)
    {
        using var timeout = new CancellationTokenSource(DefaultWait);
        return await _devTools.SendAsync(method, parameters, _session, timeout.Token);
    }
}
