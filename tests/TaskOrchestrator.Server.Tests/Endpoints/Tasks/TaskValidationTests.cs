using System.Net;
using System.Text;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.Endpoints.Tasks;

[Collection(MemoryServerCollection.Name)]
public sealed class TaskValidationTests(MemoryServerFixture fixture)
{
    private readonly HttpClient _client = fixture.Server.CreateClient(TestTokens.Create($"user-{Guid.NewGuid():N}"));

    [Theory]
    [InlineData("""{"delayInMS":1000}""", "taskURL")]
    [InlineData("""{"taskURL":"not a url","delayInMS":1000}""", "taskURL")]
    [InlineData("""{"taskURL":"/relative/path","delayInMS":1000}""", "taskURL")]
    [InlineData("""{"taskURL":"ftp://example.com/x","delayInMS":1000}""", "taskURL")]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":-1}""", "delayInMS")]
    [InlineData("""{"taskURL":"http://example.com/x"}""", "delayInMS")]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":1000,"runAt":"2030-01-01T00:00:00Z"}""", "delayInMS")]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":31708800001}""", "delayInMS")]
    [InlineData("""{"taskURL":"http://example.com/x","runAt":"2999-01-01T00:00:00Z"}""", "runAt")]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":1,"method":"FETCH"}""", "method")]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":1,"headers":{"Host":"evil"}}""", "headers")]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":1,"headers":{"Bad Name":"v"}}""", "headers")]
    public async Task CreateTask_InvalidField_Returns400NamingTheField(string body, string field)
    {
        using var response = await _client.PostAsync("/tasks", TaskApi.Json(body));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?[field] is not null, $"Expected an error for '{field}': {TaskApi.Describe(problem)}");
    }

    [Theory]
    [InlineData("initialDelayInMS")]
    [InlineData("maxDelayInMS")]
    public async Task CreateTask_RetryDelayBeyondWhatATimeSpanHolds_Returns400NamingRetry(string delayField)
    {
        var body = $$$"""{"taskURL":"http://example.com/x","delayInMS":1,"retry":{"{{{delayField}}}":9000000000000000000}}""";

        using var response = await _client.PostAsync("/tasks", TaskApi.Json(body));

        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains($"{delayField} must be from 0 to 86400000", (string)problem["errors"]!["retry"]![0]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":"soon"}""", "delayInMS")]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":1.5}""", "delayInMS")]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":1,"priority":7}""", "priority")]
    [InlineData("""{"taskURL":"http://example.com/x","delayInMS":1,"headers":["a"]}""", "headers")]
    [InlineData("""{"taskURL":"http://example.com/x","runAt":"tomorrow"}""", "runAt")]
    [InlineData("""{"taskURL": """, "body")]
    [InlineData("""[1,2,3]""", "body")]
    public async Task CreateTask_MalformedJson_Returns400NamingTheProblem(string body, string mentioned)
    {
        using var response = await _client.PostAsync("/tasks", TaskApi.Json(body));
        var problem = await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(mentioned, (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTask_EmptyBody_Returns400()
    {
        using var response = await _client.PostAsync("/tasks", TaskApi.Json(""));
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreateTask_NotJson_Returns415()
    {
        using var response = await _client.PostAsync("/tasks", new StringContent("taskURL=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task CreateTask_BodyOver256KiB_Returns413()
    {
        var body = $$"""{"taskURL":"http://example.com/x","delayInMS":1,"body":"{{new string('x', 300 * 1024)}}"}""";
        using var response = await _client.PostAsync("/tasks", TaskApi.Json(body));
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task CreateTask_ChunkedBodyOver256KiB_Returns413()
    {
        var body = $$"""{"taskURL":"http://example.com/x","delayInMS":1,"body":"{{new string('x', 300 * 1024)}}"}""";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _client.SendAsync(request);
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/tasks/not-a-guid")]
    [InlineData("/tasks/not-a-guid/status")]
    [InlineData("/tasks?status=Sleeping")]
    [InlineData("/tasks?status=1")]
    [InlineData("/tasks?limit=0")]
    [InlineData("/tasks?limit=1001")]
    [InlineData("/tasks?limit=ten")]
    [InlineData("/tasks?after=x'%20or%201%20eq%201")]
    public async Task Get_MalformedParameter_Returns400(string path)
    {
        using var response = await _client.GetAsync(path);
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"delayInMS":-5}""")]
    [InlineData("""{"delayInMS":5,"runAt":"2030-01-01T00:00:00Z"}""")]
    [InlineData("""{"delayInMS":"x"}""")]
    public async Task Update_InvalidBody_Returns400(string body)
    {
        var id = (string)(await TaskApi.CreateAsync(_client, new { taskURL = fixture.Target.UrlFor(), delayInMS = 600_000 }))["id"]!;
        using var response = await _client.PatchAsync($"/tasks/{id}", TaskApi.Json(body));
        await TaskApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
