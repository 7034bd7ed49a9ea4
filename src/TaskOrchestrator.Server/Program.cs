using TaskOrchestrator.Server.WebConsole;
using TaskOrchestrator.Server.Dashboard;
using TaskOrchestrator.Server.Endpoints.Admin;
using TaskOrchestrator.Server.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Schedules;
using TaskOrchestrator.Server.Endpoints.Signing;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Server.Health;
using TaskOrchestrator.Server.Hosting;
using TaskOrchestrator.Server.OpenApi;
using TaskOrchestrator.Server.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddTaskOrchestrator();
builder.AddTaskConsole();

var app = builder.Build();
app.UseTaskOrchestrator();
app.MapTaskEndpoints();
app.MapOrchestrationEndpoints();
app.MapScheduleEndpoints();
app.MapSigningKeyEndpoints();
app.MapAdminEndpoints();
app.MapTaskOrchestratorDashboard();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapApiReference();
app.MapTaskConsole();
app.Run();

/// <summary>The entry point; public so that tests can find this assembly (<c>typeof(Program).Assembly</c>) and start it as a process.</summary>
public partial class Program;
