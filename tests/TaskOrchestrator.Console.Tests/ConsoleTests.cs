using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TaskOrchestrator.Testing;
using static Microsoft.Playwright.Assertions;

namespace TaskOrchestrator.Console.Tests;

/// <summary>The console in Chromium against the real server process on Azurite, with a real target on 127.0.0.1.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleTests(ConsoleFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public Task SignIn_PastedToken_ShowsOverviewWithCountsAndSubject() => fixture.RunAsync(nameof(SignIn_PastedToken_ShowsOverviewWithCountsAndSubject), async page =>
    {
        var subject = $"user-{Guid.NewGuid():N}";
        await fixture.SignInAsync(page, TestTokens.Create(subject));

        await Expect(page.Locator(".subject")).ToHaveTextAsync(subject);
        foreach (var status in new[] { "Scheduled", "Running", "Completed", "Failed", "Cancelled" })
        {
            await Expect(page.Locator($".tile[data-status='{status}'] .tile-count")).ToHaveTextAsync("0");
        }

        // The token lives in sessionStorage only: a new tab (context) starts signed out.
        Assert.NotNull(await page.EvaluateAsync<string?>("sessionStorage.getItem('taskorchestrator.console.token')"));
        Assert.Null(await page.EvaluateAsync<string?>("localStorage.getItem('taskorchestrator.console.token')"));
    });

    [Fact]
    public Task SignIn_TokenTheServiceRefuses_ShowsWhyInWords() => fixture.RunAsync(nameof(SignIn_TokenTheServiceRefuses_ShowsWhyInWords), async page =>
    {
        await page.GotoAsync(fixture.ConsoleUrl);
        await page.GetByLabel("Bearer token").FillAsync(TestTokens.Create("someone", signingKey: new byte[32]));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Unauthorized — The bearer token was rejected");
        await Expect(page.GetByLabel("Bearer token")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('taskorchestrator.console.token')"));
    });

    [Fact]
    public Task CreateTaskForm_TaskTurnsCompletedWithoutReload() => fixture.RunAsync(nameof(CreateTaskForm_TaskTurnsCompletedWithoutReload), async page =>
    {
        await fixture.SignInAsync(page, TestTokens.Create($"user-{Guid.NewGuid():N}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Tasks", Exact = true }).ClickAsync();
        await page.EvaluateAsync("window.__sameDocument = true");

        var url = fixture.Target.UrlFor();
        await page.GetByRole(AriaRole.Button, new() { Name = "New task" }).ClickAsync();
        await Expect(page.GetByLabel("URL to call")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(url);
        await page.GetByLabel("Delay in seconds").FillAsync("1");
        await page.GetByLabel("Body").FillAsync("{\"from\":\"console\"}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create task" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Task");
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Completed", new() { Timeout = (float)Deadline.TotalMilliseconds });
        await Expect(page.GetByTestId("attempt")).ToContainTextAsync("status 200");
        await Expect(page.GetByTestId("response-status")).ToHaveTextAsync("200");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"), "The page was reloaded.");

        var call = Assert.Single(fixture.Target.CallsTo(url));
        Assert.Equal("{\"from\":\"console\"}", call.Body);
    });

    [Fact]
    public Task TasksList_NewTaskAppearsAndIsCancelledFromItsPage() => fixture.RunAsync(nameof(TasksList_NewTaskAppearsAndIsCancelledFromItsPage), async page =>
    {
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        using var api = fixture.Api(token);
        await fixture.SignInAsync(page, token);
        await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks");
        await Expect(page.GetByText("No tasks match.")).ToBeVisibleAsync();

        // Created elsewhere while the list is open: it appears by itself.
        var id = await ConsoleFixture.CreateTaskAsync(api, new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000 });
        var row = page.Locator($"tr[data-task-id='{id}']");
        await Expect(row).ToContainTextAsync("Scheduled");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel task" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Cancel this task?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel task" }).ClickAsync();

        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Cancelled");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel task" })).ToHaveCountAsync(0);
        Assert.Equal("Cancelled", (string)(await ConsoleFixture.GetAsync(api, $"/tasks/{id}"))["status"]!);
    });

    [Fact]
    public Task TaskDetail_ChangeDueTime_TaskIsDueThen() => fixture.RunAsync(nameof(TaskDetail_ChangeDueTime_TaskIsDueThen), async page =>
    {
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        using var api = fixture.Api(token);
        var id = await ConsoleFixture.CreateTaskAsync(api, new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000 });
        await fixture.SignInAsync(page, token);
        await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks/{id}");

        var dueAt = DateTimeOffset.UtcNow.AddHours(2);
        // Seconds never 0: Chromium shows "…T00:29:00" as "…T00:29", and Playwright's fill calls that a malformed value.
        var due = new DateTimeOffset(dueAt.Year, dueAt.Month, dueAt.Day, dueAt.Hour, dueAt.Minute, 17, TimeSpan.Zero);
        await page.GetByLabel("Change the due time").FillAsync(due.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Reschedule" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The task is due at");
        var task = await ConsoleFixture.GetAsync(api, $"/tasks/{id}");
        Assert.Equal(due, DateTimeOffset.Parse((string)task["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture));
    });

    [Fact]
    public Task TaskDetail_CredentialsInTheUrl_AreMasked() => fixture.RunAsync(nameof(TaskDetail_CredentialsInTheUrl_AreMasked), async page =>
    {
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        using var api = fixture.Api(token);
        var url = $"{fixture.Target.UrlFor()}?page=2&api_key=sk_live_0123456789abcdef0123";
        var id = await ConsoleFixture.CreateTaskAsync(api, new { taskURL = url, delayInMS = 600_000 });
        await fixture.SignInAsync(page, token);
        await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks/{id}");

        var definition = page.Locator(".facts");
        await Expect(definition).ToContainTextAsync("page=2&api_key=••••••");
        await Expect(page.Locator("body")).Not.ToContainTextAsync("sk_live_0123456789abcdef0123");
    });

    [Fact]
    public Task OrchestrationDetail_DrawsStepsAndChecksAsAProgressLine() => fixture.RunAsync(nameof(OrchestrationDetail_DrawsStepsAndChecksAsAProgressLine), async page =>
    {
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        using var api = fixture.Api(token);
        using var created = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(api, "/orchestrations", new
        {
            initialDelayInMS = 0,
            tasks = new[] { new { taskURL = fixture.Target.UrlFor() }, new { taskURL = fixture.Target.UrlFor() } },
            conditionCheck = new { taskURL = fixture.Target.UrlFor("pass-after/1"), delayInMS = 0, retries = 3, retryDelayInMS = 200 },
        });
        var body = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.IsSuccessStatusCode, body.ToJsonString());
        var id = (string)body["id"]!;

        await fixture.SignInAsync(page, token);
        await page.GetByRole(AriaRole.Link, new() { Name = "Orchestrations", Exact = true }).ClickAsync();
        await page.Locator($"tr[data-orchestration-id='{id}']").GetByRole(AriaRole.Link).ClickAsync();

        var steps = page.Locator("ol.progress > li.step");
        await Expect(steps).ToHaveCountAsync(2);
        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Completed", new() { Timeout = (float)Deadline.TotalMilliseconds });
        await Expect(steps.Nth(0)).ToHaveAttributeAsync("data-status", "Passed");
        await Expect(steps.Nth(1)).ToHaveAttributeAsync("data-status", "Passed");

        // The first step's check did not pass once, then passed: both attempts are on the line.
        await Expect(steps.Nth(0).Locator(".check-attempts .not-passed")).ToHaveCountAsync(1);
        await Expect(steps.Nth(0).Locator(".check-attempts .passed")).ToHaveCountAsync(1);
    });

    [Fact]
    public Task ScheduleDetail_Pause_ShowsPausedAndNoNextRuns() => fixture.RunAsync(nameof(ScheduleDetail_Pause_ShowsPausedAndNoNextRuns), async page =>
    {
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        using var api = fixture.Api(token);
        using var created = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(api, "/schedules", new
        {
            cron = "0 9 * * 1-5", timeZone = "Europe/Berlin", task = new { taskURL = fixture.Target.UrlFor() },
        });
        var body = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.IsSuccessStatusCode, body.ToJsonString());
        var id = (string)body["id"]!;

        await fixture.SignInAsync(page, token);
        await page.GetByRole(AriaRole.Link, new() { Name = "Schedules", Exact = true }).ClickAsync();
        var row = page.Locator($"tr[data-schedule-id='{id}']");
        await Expect(row).ToContainTextAsync("At 09:00, on Monday through Friday");
        await row.GetByRole(AriaRole.Link).ClickAsync();

        await Expect(page.Locator(".next-runs li")).ToHaveCountAsync(5);
        await Expect(page.Locator(".facts")).ToContainTextAsync("Europe/Berlin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();

        await Expect(page.Locator("h1 .badge")).ToHaveTextAsync("Paused");
        await Expect(page.GetByText("None while paused.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
        Assert.Equal("Paused", (string)(await ConsoleFixture.GetAsync(api, $"/schedules/{id}"))["status"]!);
    });

    [Fact]
    public Task NonAdmin_NeverSeesAnotherOwnersTask() => fixture.RunAsync(nameof(NonAdmin_NeverSeesAnotherOwnersTask), async page =>
    {
        using var alice = fixture.Api(TestTokens.Create($"alice-{Guid.NewGuid():N}"));
        var bobToken = TestTokens.Create($"bob-{Guid.NewGuid():N}");
        using var bob = fixture.Api(bobToken);
        var alicesTask = await ConsoleFixture.CreateTaskAsync(alice, new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000 });
        var bobsTask = await ConsoleFixture.CreateTaskAsync(bob, new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000 });

        await fixture.SignInAsync(page, bobToken);
        await Expect(page.Locator(".tile[data-status='Scheduled'] .tile-count")).ToHaveTextAsync("1");
        await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks");
        await Expect(page.Locator($"tr[data-task-id='{bobsTask}']")).ToBeVisibleAsync();
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator($"tr[data-task-id='{alicesTask}']")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Owner" })).ToHaveCountAsync(0);

        // Asked for by its address, it does not exist for bob, and the page says so in words.
        await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks/{alicesTask}");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"Task not found — No task '{alicesTask}' exists.");
    });

    [Fact]
    public Task Admin_SeesEveryOwnersTasksWithTheOwnerAndTheLiveChart() => fixture.RunAsync(nameof(Admin_SeesEveryOwnersTasksWithTheOwnerAndTheLiveChart), async page =>
    {
        var owner = $"carol-{Guid.NewGuid():N}";
        using var carol = fixture.Api(TestTokens.Create(owner));
        var url = fixture.Target.UrlFor();
        var id = await ConsoleFixture.CreateTaskAsync(carol, new { taskURL = url, delayInMS = 0 });
        await fixture.Target.WaitForCallsAsync(url);

        await fixture.SignInAsync(page, TestTokens.Create($"admin-{Guid.NewGuid():N}", roles: ["admin"]));
        await Expect(page.Locator(".badge.admin")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("activity-totals")).ToHaveTextAsync(CallsFired());
        await Expect(page.Locator(".chart canvas")).ToHaveCountAsync(2);

        await page.GotoAsync($"{fixture.ConsoleUrl}#/tasks");
        var row = page.Locator($"tr[data-task-id='{id}']");
        await Expect(row.Locator("td.owner")).ToHaveTextAsync(owner);
    });

    [Fact]
    public Task Overview_NonAdmin_LiveChartCountsOwnCallsOnly() => fixture.RunAsync(nameof(Overview_NonAdmin_LiveChartCountsOwnCallsOnly), async page =>
    {
        // Someone else's calls on the same node are not counted.
        using var other = fixture.Api(TestTokens.Create($"other-{Guid.NewGuid():N}"));
        var othersUrl = fixture.Target.UrlFor();
        await ConsoleFixture.CreateTaskAsync(other, new { taskURL = othersUrl, delayInMS = 0 });
        var token = TestTokens.Create($"user-{Guid.NewGuid():N}");
        using var api = fixture.Api(token);
        var ok = fixture.Target.UrlFor();
        var failing = fixture.Target.UrlFor("status/500");
        var okId = await ConsoleFixture.CreateTaskAsync(api, new { taskURL = ok, delayInMS = 0 });
        var failingId = await ConsoleFixture.CreateTaskAsync(api, new { taskURL = failing, delayInMS = 0, retry = new { maxAttempts = 1 } });
        await fixture.Target.WaitForCallsAsync(othersUrl);
        foreach (var id in new[] { okId, failingId })
        {
            await Poll.UntilAsync(
                async () => (string)(await ConsoleFixture.GetAsync(api, $"/tasks/{id}"))["finishedAt"]! is not null, Deadline, $"task {id} to finish");
        }

        await fixture.SignInAsync(page, token);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Live: your tasks, last 5 minutes" })).ToBeVisibleAsync();
        // The page reads the listing every 5 s and leaves out the second under way: a read in the second the tasks
        // finished counts them only at the next one.
        await Expect(page.GetByTestId("activity-totals")).ToHaveTextAsync("In these 5 minutes: 2 calls fired, 1 tasks succeeded, 1 failed.", new() { Timeout = 15_000 });
        await Expect(page.Locator(".chart canvas")).ToHaveCountAsync(2);
    });

    [Fact]
    public Task Theme_SwitchedToDark_IsKeptAcrossVisits() => fixture.RunAsync(nameof(Theme_SwitchedToDark_IsKeptAcrossVisits), async page =>
    {
        await fixture.SignInAsync(page, TestTokens.Create($"user-{Guid.NewGuid():N}"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await page.GetByRole(AriaRole.Button, new() { Name = "Theme: light. Switch theme" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
    });

    [GeneratedRegex(@"[1-9]\d* calls fired")]
    private static partial Regex CallsFired();
}
