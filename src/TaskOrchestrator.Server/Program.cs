using TaskOrchestrator.Server.Endpoints.Admin;
using TaskOrchestrator.Server.Endpoints.Orchestrations;
using TaskOrchestrator.Server.Endpoints.Tasks;
using TaskOrchestrator.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddTaskOrchestrator();

var app = builder.Build();
app.UseTaskOrchestrator();
app.MapTaskEndpoints();
app.MapOrchestrationEndpoints();
app.MapAdminEndpoints();
app.Run();

/// <summary>The entry point; public so tests can host it.</summary>
public partial class Program;
