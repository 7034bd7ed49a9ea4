// docs/receiving-calls.md shows this file, less this line and the namespace, as its C# verifier (ReceivingCallsDocTests keeps them equal).
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TaskOrchestrator.Grains.Tests.Delivery.Signing;

public static class TaskOrchestratorSignature
{
    // key: your key from GET /signing-keys (base64). url: the origin your target serves (https://hooks.example.com)
    // followed by the request target exactly as received (path and query). header: looks a request header up by name.
    // body: the raw body bytes, before any parsing.
    public static bool Verify(string key, string method, string url, Func<string, string?> header, byte[] body, DateTimeOffset? now = null)
    {
        var t = header("TaskOrchestrator-Timestamp");
        var owner = header("TaskOrchestrator-Owner");
        var taskId = header("TaskOrchestrator-Task-Id");
        var attempt = header("TaskOrchestrator-Attempt");
        var signatures = header("TaskOrchestrator-Signature");
        if (t is null || owner is null || taskId is null || attempt is null || signatures is null
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs((now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var content = Encoding.UTF8.GetBytes($"v2\n{method}\n{url}\n{owner}\n{taskId}\n{attempt}\n{t}\n").Concat(body).ToArray();
        var expected = Encoding.ASCII.GetBytes("v2=" + Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(key), content)));
        var valid = false;
        foreach (var entry in signatures.Split(' '))
        {
            valid |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(entry));
        }

        return valid;
    }
}
