using System.Globalization;

namespace TaskOrchestrator.Benchmarks;

/// <summary>Resident memory and CPU time of a process and its descendants, read from /proc (Linux).</summary>
internal static class ProcessTree
{
    /// <summary>Linux reports CPU times in /proc in clock ticks of 1/100 s (USER_HZ) on every architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    public static long ResidentBytes(int pid) => Members(pid).Sum(OwnResidentBytes);

    /// <summary>User plus system CPU time the process tree has used so far.</summary>
    public static TimeSpan CpuTime(int pid) => TimeSpan.FromSeconds(Members(pid).Sum(OwnCpuTicks) / TicksPerSecond);

    private static List<int> Members(int pid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child) || StatFields(child) is not { } fields)
            {
                continue;
            }

            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(child);
        }

        var members = new List<int>();
        var pending = new Stack<int>([pid]);
        while (pending.TryPop(out var current))
        {
            members.Add(current);
            foreach (var child in children.GetValueOrDefault(current) ?? [])
            {
                pending.Push(child);
            }
        }

        return members;
    }

    /// <summary>The fields of /proc/PID/stat after the command name: [0] state, [1] parent, ... [11] utime, [12] stime.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // The process ended while we looked.
        }
    }

    private static long OwnCpuTicks(int pid) => StatFields(pid) is { } fields
        ? long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
        : 0;

    private static long OwnResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
