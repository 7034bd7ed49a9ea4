using Microsoft.Playwright;
using TaskOrchestrator.Testing;
using static Microsoft.Playwright.Assertions;

namespace TaskOrchestrator.Console.Tests;

/// <summary>
/// The Tasks page's bulk rerun and label filter, against <c>POST /tasks/bulk/rerun</c>,
/// <c>GET /tasks?label=key:value</c> and <c>labels</c> on a task.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class BulkAndLabelTests(ConsoleFixture fixture)
{
    [Fact]
    public Task Tasks_BulkRerunOfFailedTasks_CreatesOneRerunEach() => fixture.RunAsync(nameof(Tasks_BulkRerunOfFailedTasks_CreatesOneRerunEach), async page =>
    {
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        using var api = fixture.Api(token);
        var failing = new[] { fixture.Target.UrlFor("status/500"), fixture.Target.UrlFor("status/500") };
        var ids = new List<string>();
        foreach (var url in failing)
        {
            ids.Add(await ConsoleFixture.CreateTaskAsync(api, new { taskURL = url, delayInMS = 0, retry = new { maxAttempts = 1 } }));
        }

        await fixture.SignInAsync(page, token);
        await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks?status=Failed");
        foreach (var id in ids)
        {
            var row = page.Locator($"tr[data-task-id='{id}']");
            await Expect(row).ToContainTextAsync("Failed", new() { Timeout = 30_000 });
            await row.GetByRole(AriaRole.Checkbox).CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Rerun selected" }).ClickAsync();
        await Expect(page.GetByTestId("bulk-outcome")).ToContainTextAsync("2 rerun");
        foreach (var url in failing)
        {
            await fixture.Target.WaitForCallsAsync(url, count: 2);
        }

        var reruns = (await ConsoleFixture.GetAsync(api, "/tasks?limit=100")).AsArray()
            .Where(t => t!["rerunOf"] is not null).Select(t => (string)t!["rerunOf"]!).Order().ToArray();
        Assert.Equal(ids.Order().ToArray(), reruns);
    });

    [Fact]
    public Task Tasks_FilteredByLabel_ShowOnlyThoseTasks() => fixture.RunAsync(nameof(Tasks_FilteredByLabel_ShowOnlyThoseTasks), async page =>
    {
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        using var api = fixture.Api(token);
        var billing = await ConsoleFixture.CreateTaskAsync(api, new
        {
            taskURL = fixture.Target.UrlFor(), delayInMS = 600_000, labels = new Dictionary<string, string> { ["team"] = "billing" },
        });
        var other = await ConsoleFixture.CreateTaskAsync(api, new
        {
            taskURL = fixture.Target.UrlFor(), delayInMS = 600_000, labels = new Dictionary<string, string> { ["team"] = "search" },
        });

        await fixture.SignInAsync(page, token);
        await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks");
        await page.GetByLabel("Label", new() { Exact = true }).FillAsync("team:billing");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        await Expect(page.Locator($"tr[data-task-id='{billing}']")).ToContainTextAsync("billing");
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator($"tr[data-task-id='{other}']")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Tasks_FilterTypedBetweenPolls_IsKeptWhenThePageRefreshes() => fixture.RunAsync(nameof(Tasks_FilterTypedBetweenPolls_IsKeptWhenThePageRefreshes), async page =>
    {
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        using var api = fixture.Api(token);
        var task = await ConsoleFixture.CreateTaskAsync(api, new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000 });

        await fixture.SignInAsync(page, token);
        await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks");
        await Expect(page.Locator($"tr[data-task-id='{task}']")).ToBeVisibleAsync();
        var updated = page.Locator(".updated");
        await Expect(updated).ToContainTextAsync("Updated");
        var before = await updated.TextContentAsync();
        await page.GetByLabel("Label", new() { Exact = true }).FillAsync("team:billing");
        await page.GetByLabel("Status").SelectOptionAsync("Failed");

        // The page polls every 3 s: once it has refreshed, what was typed is still there.
        await Expect(updated).Not.ToHaveTextAsync(before!, new() { Timeout = 15_000 });
        await Expect(page.GetByLabel("Label", new() { Exact = true })).ToHaveValueAsync("team:billing");
        await Expect(page.GetByLabel("Status")).ToHaveValueAsync("Failed");
    });
}
