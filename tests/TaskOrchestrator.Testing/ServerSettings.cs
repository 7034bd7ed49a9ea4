using System.Globalization;

namespace TaskOrchestrator.Testing;

/// <summary>Configuration for test servers.</summary>
public static class ServerSettings
{
    /// <summary>A server with in-memory storage on free Orleans ports that trusts <see cref="TestTokens"/>.</summary>
    public static Dictionary<string, string> InMemory()
    {
        var siloPort = FreePorts.Consecutive(2);
        return new Dictionary<string, string>(TestTokens.ServerSettings)
        {
            ["TaskOrchestrator:Storage:Provider"] = "Memory",
            ["TaskOrchestrator:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["TaskOrchestrator:Cluster:GatewayPort"] = (siloPort + 1).ToString(CultureInfo.InvariantCulture),
        };
    }
}
