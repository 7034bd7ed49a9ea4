using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using TaskOrchestrator.Testing;
using static Microsoft.Playwright.Assertions;

namespace TaskOrchestrator.Console.Tests;

/// <summary>
/// Takes the screenshots in docs/console.md from a real run, so they show what the console really draws: writes
/// <c>docs/images/console-*.png</c> in the repository this test was built from.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class DocsScreenshots(ConsoleFixture fixture)
{
    [Fact]
    public async Task MainPages_WrittenToDocsImages()
    {
        var images = Path.Combine(RepositoryRoot(), "docs", "images");
        Directory.CreateDirectory(images);
        var token = TestTokens.Create("alice", roles: ["admin"]);
        using var api = fixture.Api(token);

        var completed = await ConsoleFixture.CreateTaskAsync(api, new { taskURL = fixture.Target.UrlFor("slow/120") + "?order=1042", delayInMS = 0, body = "{\"order\":1042}" });
        var failed = await ConsoleFixture.CreateTaskAsync(api, new
        {
            taskURL = fixture.Target.UrlFor("status/503"), delayInMS = 0, retry = new { maxAttempts = 2, initialDelayInMS = 300 },
        });
        await ConsoleFixture.CreateTaskAsync(api, new { taskURL = fixture.Target.UrlFor() + "?token=0123456789abcdefghijklmnop", delayInMS = 3_600_000 });
        await ConsoleFixture.CreateTaskAsync(api, new { taskURL = fixture.Target.UrlFor(), delayInMS = 86_400_000, method = "PUT" });
        using var orchestration = await api.PostAsJsonAsync("/orchestrations", new
        {
            initialDelayInMS = 0,
            tasks = new[] { new { taskURL = fixture.Target.UrlFor() }, new { taskURL = fixture.Target.UrlFor() }, new { taskURL = fixture.Target.UrlFor("slow/60000") } },
            conditionCheck = new { taskURL = fixture.Target.UrlFor("pass-after/1"), delayInMS = 0, retries = 3, retryDelayInMS = 200 },
            fallbackTaskURL = fixture.Target.UrlFor(),
        });
        var orchestrationId = (string)JsonNode.Parse(await orchestration.Content.ReadAsStringAsync())!["id"]!;
        using var schedule = await api.PostAsJsonAsync("/schedules", new { cron = "30 6 * * 1-5", timeZone = "Europe/Berlin", task = new { taskURL = fixture.Target.UrlFor() } });
        var scheduleId = (string)JsonNode.Parse(await schedule.Content.ReadAsStringAsync())!["id"]!;
        using (var trigger = await api.PostAsync(new Uri($"/schedules/{scheduleId}/trigger", UriKind.Relative), null))
        {
            Assert.True(trigger.IsSuccessStatusCode, await trigger.Content.ReadAsStringAsync());
        }

        await Poll.UntilAsync(async () => (string)(await ConsoleFixture.GetAsync(api, $"/tasks/{failed}"))["status"]! == "Failed", TimeSpan.FromSeconds(30), "the failing task to fail");

        await fixture.RunAsync("docs-light", async page =>
        {
            await fixture.SignInAsync(page, token);
            await Expect(page.GetByTestId("activity-totals")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"[1-9]\d* calls fired"));
            await Shoot(page, images, "console-overview.png");

            await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks");
            await Expect(page.Locator($"tr[data-task-id='{completed}']")).ToContainTextAsync("Completed");
            await Shoot(page, images, "console-tasks.png");

            await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks/{failed}");
            await Expect(page.GetByTestId("attempt")).ToHaveCountAsync(2);
            await Shoot(page, images, "console-task.png");

            await page.GotoAsync($"{fixture.ConsoleUrl}#/orchestrations/{orchestrationId}");
            await Expect(page.Locator("ol.progress > li.step").Nth(2)).ToHaveAttributeAsync("data-status", "Running", new() { Timeout = 30_000 });
            await Shoot(page, images, "console-orchestration.png");

            await page.GotoAsync($"{fixture.ConsoleUrl}#/schedules/{scheduleId}");
            await Expect(page.Locator(".next-runs li")).ToHaveCountAsync(5);
            await Shoot(page, images, "console-schedule.png");
        });

        await fixture.RunAsync("docs-dark", async page =>
        {
            await fixture.SignInAsync(page, token);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
            await Expect(page.GetByTestId("activity-totals")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"[1-9]\d* calls fired"));
            await Shoot(page, images, "console-overview-dark.png");
        }, colorScheme: ColorScheme.Dark);

        await fixture.RunAsync("docs-phone", async page =>
        {
            await fixture.SignInAsync(page, token);
            await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks/{completed}");
            await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Completed");
            await Shoot(page, images, "console-task-phone.png");
        }, width: 390, height: 844);

        foreach (var name in new[] { "overview", "tasks", "task", "orchestration", "schedule", "overview-dark", "task-phone" })
        {
            Assert.True(new FileInfo(Path.Combine(images, $"console-{name}.png")).Length > 10_000, $"console-{name}.png is missing or empty.");
        }
    }

    private static async Task Shoot(IPage page, string folder, string name)
    {
        // The mouse away from the content, so no hover state or chart cursor is drawn.
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TaskOrchestrator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No TaskOrchestrator.sln above {AppContext.BaseDirectory}.");
    }
}
