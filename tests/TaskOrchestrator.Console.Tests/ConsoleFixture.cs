using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using TaskOrchestrator.Server.Tests.Integration;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Console.Tests;

/// <summary>
/// One real server process on a throwaway Azurite, a recording target on 127.0.0.1, and Chromium from the system
/// (<c>/usr/bin/chromium</c>, or <c>CHROMIUM_PATH</c>) driven by Playwright: Playwright's own browser download is not used.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Where a failing test's screenshot goes: <c>console-failures/</c> under the test output.</summary>
    public static readonly string FailureDirectory = Path.Combine(AppContext.BaseDirectory, "console-failures");

    private readonly AzuriteFixture _storage = new();
    private IPlaywright? _playwright;

    public ServerProcess Server { get; private set; } = null!;

    public RecordingTarget Target => _storage.Target;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The console's address on the server.</summary>
    public string ConsoleUrl => new Uri(Server.BaseAddress, "/console/").ToString();

    public async Task InitializeAsync()
    {
        await _storage.InitializeAsync();
        Server = await _storage.StartServerAsync(_storage.SettingsFor($"console-{Guid.NewGuid():N}"));
        _playwright = await Playwright.CreateAsync();
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"No Chromium at {chromium}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.");
        }

        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _storage.DisposeAsync();
    }

    /// <summary>An API client with <paramref name="token"/>, to set up and check what the browser does.</summary>
    public HttpClient Api(string token) => Server.CreateClient(token);

    /// <summary>Creates a task through the API and returns its id.</summary>
    public static async Task<string> CreateTaskAsync(HttpClient api, object request)
    {
        using var response = await api.PostAsJsonAsync("/tasks", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /tasks answered {(int)response.StatusCode}: {body}");
        return (string)JsonNode.Parse(body)!["id"]!;
    }

    /// <summary>Reads a resource through the API.</summary>
    public static async Task<JsonNode> GetAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a new page (its own browser context, so its own sessionStorage) of the given size;
    /// when it throws, saves a full-page screenshot as <c>console-failures/{name}.png</c> and the server's last lines, then rethrows.
    /// </summary>
    public async Task RunAsync(string name, Func<IPage, Task> test, int width = 1280, int height = 900, ColorScheme colorScheme = ColorScheme.Light)
    {
        await using var context = await Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height },
            ColorScheme = colorScheme,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add(message.Text);
                }
            }
        };
        try
        {
            await test(page);
        }
        catch (Exception failure)
        {
            Directory.CreateDirectory(FailureDirectory);
            var shot = Path.Combine(FailureDirectory, $"{name}.png");
            await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
            string errors;
            lock (consoleErrors)
            {
                errors = string.Join('\n', consoleErrors);
            }

            throw new InvalidOperationException(
                $"{failure.Message}\nScreenshot: {shot}\nBrowser console errors:\n{errors}\nServer:\n{Server.Tail(30)}", failure);
        }
    }

    /// <summary>Opens the console and signs in by pasting <paramref name="token"/>, then waits for the overview.</summary>
    public async Task SignInAsync(IPage page, string token)
    {
        await page.GotoAsync(ConsoleUrl);
        await page.GetByLabel("Bearer token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "Console";
}
