using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TaskOrchestrator.Testing;

namespace TaskOrchestrator.Server.Tests.OpenApi;

[Collection(MemoryServerCollection.Name)]
public sealed partial class OpenApiDocumentTests(MemoryServerFixture fixture)
{
    private static readonly string[] ProtectedPrefixes = ["/tasks", "/orchestrations", "/schedules", "/signing-keys", "/admin"];

    private readonly HttpClient _anonymous = fixture.Server.CreateClient(token: null);

    [Fact]
    public async Task Document_ListsEveryRouteTheServerMaps()
    {
        // The server's own route table (every endpoint it mapped), so this cannot drift from the code.
        using var admin = fixture.Server.CreateClient(TestTokens.Create("operator", roles: ["admin"]));
        var routes = (await admin.GetFromJsonAsync<JsonArray>("/admin/routes"))!.Select(r => r!.AsObject()).ToArray();
        var paths = (await GetDocumentAsync())["paths"]!.AsObject();

        Assert.Contains(routes, r => (string)r["pattern"]! == "/tasks/{id}/cancel");
        var undocumented = new List<string>();
        foreach (var route in routes)
        {
            var path = Normalize((string)route["pattern"]!);
            var methods = route["methods"]!.AsArray().Select(m => ((string)m!).ToLowerInvariant()).ToArray();
            if (!(bool)route["documented"]!)
            {
                undocumented.Add(path);
                continue;
            }

            Assert.True(methods.Length > 0, $"{path} answers any method; map it with one so the document can say which.");
            foreach (var method in methods)
            {
                Assert.True(paths[path]?[method] is JsonObject, $"The OpenAPI document lacks {method.ToUpperInvariant()} {path}.");
            }
        }

        // Only the pages for people are left out (the document itself, its reference page, the Orleans Dashboard when on, the console).
        Assert.All(undocumented, p => Assert.Matches("^/(openapi|scalar|dashboard|console)(/|$)", p));
        var documented = routes.Where(r => (bool)r["documented"]!).Select(r => Normalize((string)r["pattern"]!)).ToHashSet();
        Assert.All(paths.Select(p => p.Key), p => Assert.Contains(p, documented));
    }

    [Fact]
    public async Task Document_DeclaresBearerSchemeAndProtectsEveryApiOperation()
    {
        var document = await GetDocumentAsync();
        var scheme = document["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", (string)scheme["type"]!);
        Assert.Equal("bearer", (string)scheme["scheme"]!);
        Assert.Equal("JWT", (string)scheme["bearerFormat"]!);

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var name = $"{method.ToUpperInvariant()} {path}";
                var responses = operation!["responses"]!.AsObject();
                Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{name} has no summary.");
                Assert.False(string.IsNullOrWhiteSpace((string?)operation["operationId"]), $"{name} has no operationId.");
                Assert.Contains(responses, r => r.Key.StartsWith('2'));

                var isProtected = ProtectedPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal));
                var requirement = operation["security"]?.AsArray().SelectMany(s => s!.AsObject().Select(e => e.Key));
                if (isProtected)
                {
                    Assert.True(requirement?.Contains("Bearer") == true, $"{name} does not declare the bearer requirement.");
                    foreach (var status in new[] { "401", "403", "503" })
                    {
                        Assert.True(
                            (string?)responses[status]?["content"]?["application/problem+json"]?["schema"]?["$ref"] == "#/components/schemas/ProblemDetails",
                            $"{name} does not document {status} as ProblemDetails.");
                    }
                }
                else
                {
                    Assert.True(requirement is null, $"{name} is anonymous but declares a security requirement.");
                }
            }
        }
    }

    [Fact]
    public async Task Document_DescribesBodiesWithSchemasAndExamples()
    {
        var document = await GetDocumentAsync();
        var createTask = document["paths"]!["/tasks"]!["post"]!;
        Assert.Equal("#/components/schemas/CreateTaskRequest", (string)createTask["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!);
        Assert.Equal("#/components/schemas/TaskResource", (string)createTask["responses"]!["201"]!["content"]!["application/json"]!["schema"]!["$ref"]!);
        Assert.NotNull(createTask["responses"]!["201"]!["headers"]!["Location"]);
        Assert.Equal("#/components/schemas/HttpValidationProblemDetails", (string)createTask["responses"]!["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!);
        Assert.NotNull(document["paths"]!["/tasks"]!["get"]!["responses"]!["200"]!["headers"]!["Link"]);

        var schemas = document["components"]!["schemas"]!.AsObject();
        var example = schemas["CreateTaskRequest"]!["examples"]![0]!;
        Assert.Equal("https://example.com/hook", (string)example["taskURL"]!);
        Assert.Equal(["Scheduled", "Running", "Completed", "Failed", "Cancelled"], schemas["ScheduledTaskStatus"]!["enum"]!.AsArray().Select(v => (string)v!));

        // Nullable members are left out when null, so they are not "required".
        var paths = document["paths"]!.AsObject();
        foreach (var route in new[] { "/tasks/{id}/rerun", "/tasks/bulk/cancel", "/tasks/bulk/rerun", "/orchestrations/{id}/retry", "/orchestrations/bulk/cancel", "/orchestrations/bulk/retry" })
        {
            Assert.True(paths[route]?["post"] is not null, $"{route} is not in the document.");
        }

        Assert.Equal("#/components/schemas/BulkResponse", (string)paths["/tasks/bulk/rerun"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!);
        Assert.Equal("billing", (string)schemas["TaskResource"]!["examples"]![0]!["labels"]!["team"]!);
        var required = schemas["TaskResource"]!["required"]!.AsArray().Select(v => (string)v!).ToArray();
        Assert.Contains("dueAt", required);
        Assert.DoesNotContain("startedAt", required);
        Assert.DoesNotContain("response", required);
        foreach (var name in new[]
        {
            "TaskResource", "OrchestrationRequest", "OrchestrationResource", "ProblemDetails", "ScheduleRequest", "ScheduleResource", "ScheduleRunResource",
            "RerunTaskRequest", "BulkRequest", "BulkResponse",
        })
        {
            Assert.True(schemas[name]?["examples"] is JsonArray { Count: > 0 }, $"The schema {name} has no example.");
        }
    }

    [Fact]
    public async Task ReferencePage_WithoutToken_ServesScalar()
    {
        using var response = await _anonymous.GetAsync(new Uri("/scalar/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
    }

    private async Task<JsonObject> GetDocumentAsync()
    {
        using var response = await _anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /openapi/v1.json answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    // "/tasks/" (a group's root) is "/tasks" in the document; "{id:guid}" would be "{id}".
    private static string Normalize(string pattern)
    {
        var path = RouteConstraint().Replace(pattern, "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{([^}:?=]+)[^}]*\}")]
    private static partial Regex RouteConstraint();
}
