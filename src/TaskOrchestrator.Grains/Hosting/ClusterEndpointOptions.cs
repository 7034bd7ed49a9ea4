using System.ComponentModel.DataAnnotations;

namespace TaskOrchestrator.Hosting;

/// <summary>Cluster identity and silo endpoints. Section <c>TaskOrchestrator:Cluster</c>.</summary>
public sealed class ClusterEndpointOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "TaskOrchestrator:Cluster";

    /// <summary>Silos with the same cluster id form one cluster. Default <c>task-orchestrator</c>.</summary>
    [Required]
    public string ClusterId { get; set; } = "task-orchestrator";

    /// <summary>Keys reminders and grain state: changing it orphans every scheduled task. Default <c>task-orchestrator</c>.</summary>
    [Required]
    public string ServiceId { get; set; } = "task-orchestrator";

    /// <summary>The silo-to-silo port. Default 11311 (unusual on purpose: Orleans does not notice a clash).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11311;

    /// <summary>The Orleans client gateway port; 0 disables it. Default 30311.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30311;

    /// <summary>The address (IP or host name) other silos reach this one at. Default 127.0.0.1.</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";
}
