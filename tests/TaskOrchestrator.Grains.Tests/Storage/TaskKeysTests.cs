using TaskOrchestrator.Storage;
using static TaskOrchestrator.Grains.Tests.Storage.StoredTasks;

namespace TaskOrchestrator.Grains.Tests.Storage;

public sealed class TaskKeysTests
{
    private static readonly string ValidRowKey = TaskKeys.RowKey(IdAt(Epoch));

    public static TheoryData<DateTimeOffset> CreationTimes =>
        [DateTimeOffset.UnixEpoch, Epoch, DateTimeOffset.UtcNow, DateTimeOffset.MaxValue];

    public static TheoryData<string> InvalidCursors =>
    [
        "",
        " ",
        "x' or 1 eq 1",
        "x' or 1 eq 1 and RowKey gt '",
        ValidRowKey[..^1],
        ValidRowKey + "0",
        ValidRowKey + "'",
        ValidRowKey + " or 1 eq 1",
        " " + ValidRowKey[1..],
        string.Concat(ValidRowKey.AsSpan(0, 16), "' or 1 eq 1 or RowKey eq '"),
        string.Concat(ValidRowKey.AsSpan(0, 37), "' or 1 eq 1"),
        string.Concat("' or 1 eq 1", ValidRowKey.AsSpan(11)),
        string.Concat("-", ValidRowKey.AsSpan(1)),
        string.Concat("\u0661", ValidRowKey.AsSpan(1)),
        ValidRowKey.Replace('_', '-'),
        ValidRowKey.Replace('_', '\''),
        string.Concat(ValidRowKey.AsSpan(0, 16), new string('g', 32)),
        string.Concat(ValidRowKey.AsSpan(0, 16), Guid.NewGuid().ToString("D").AsSpan(0, 32)),
        string.Concat(ValidRowKey.AsSpan(0, 15), "_", Guid.NewGuid().ToString("B").AsSpan(0, 32)),
    ];

    [Fact]
    public void RowKey_NewerId_SortsBeforeOlderId()
    {
        var older = TaskKeys.RowKey(IdAt(Epoch));
        var newer = TaskKeys.RowKey(IdAt(Epoch.AddMilliseconds(1)));

        Assert.True(string.CompareOrdinal(newer, older) < 0, $"'{newer}' should sort before '{older}'.");
    }

    [Fact]
    public void RowKey_IdsMintedInAnyOrder_AscendingOrderIsNewestFirst()
    {
        var random = new Random(7);
        var ids = Enumerable.Range(0, 500)
            .Select(_ => (CreatedAt: Epoch.AddMilliseconds(random.Next(-100_000_000, 100_000_000)), Id: Guid.Empty))
            .Select(t => t with { Id = IdAt(t.CreatedAt) })
            .ToList();

        var byRowKey = ids.OrderBy(t => TaskKeys.RowKey(t.Id), StringComparer.Ordinal).Select(t => t.CreatedAt);

        Assert.Equal(ids.Select(t => t.CreatedAt).OrderDescending(), byRowKey);
    }

    [Fact]
    public void RowKey_SameMillisecond_DistinctKeysSharingTheTimePrefix()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => TaskKeys.RowKey(IdAt(Epoch))).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Single(keys.Select(k => k[..16]).Distinct(StringComparer.Ordinal));
    }

    [Fact]
    public void RowKey_NonVersion7Id_SortsAfterEveryVersion7Id()
    {
        var random = TaskKeys.RowKey(Guid.NewGuid());
        var empty = TaskKeys.RowKey(Guid.Empty);

        // At the Unix epoch itself a version-7 id carries 0 too; any real task is created later.
        foreach (var createdAt in new[] { DateTimeOffset.UnixEpoch.AddMilliseconds(1), Epoch, DateTimeOffset.MaxValue })
        {
            var v7 = TaskKeys.RowKey(IdAt(createdAt));
            Assert.True(string.CompareOrdinal(v7, random) < 0, $"'{v7}' should sort before the random id's '{random}'.");
            Assert.True(string.CompareOrdinal(v7, empty) < 0, $"'{v7}' should sort before the empty id's '{empty}'.");
        }
    }

    [Theory]
    [MemberData(nameof(CreationTimes))]
    public void CreatedMillis_Version7Id_ReturnsItsCreationTime(DateTimeOffset createdAt)
    {
        Assert.Equal(createdAt.ToUnixTimeMilliseconds(), TaskKeys.CreatedMillis(IdAt(createdAt)));
    }

    [Fact]
    public void CreatedMillis_NonVersion7Id_ReturnsZero()
    {
        Assert.Equal(0, TaskKeys.CreatedMillis(Guid.NewGuid()));
        Assert.Equal(0, TaskKeys.CreatedMillis(Guid.Empty));
        Assert.Equal(0, TaskKeys.CreatedMillis(Guid.AllBitsSet));
    }

    [Theory]
    [MemberData(nameof(CreationTimes))]
    public void IsValidCursor_RowKey_ReturnsTrue(DateTimeOffset createdAt)
    {
        var rowKey = TaskKeys.RowKey(IdAt(createdAt));

        Assert.True(TaskKeys.IsValidCursor(rowKey), $"'{rowKey}' was rejected.");
    }

    [Fact]
    public void IsValidCursor_RowKeyOfNonVersion7Id_ReturnsTrue()
    {
        var rowKey = TaskKeys.RowKey(Guid.NewGuid());

        Assert.True(TaskKeys.IsValidCursor(rowKey), $"'{rowKey}' was rejected.");
    }

    [Theory]
    [MemberData(nameof(InvalidCursors))]
    public void IsValidCursor_JunkOrInjection_ReturnsFalse(string cursor)
    {
        Assert.False(TaskKeys.IsValidCursor(cursor), $"'{cursor}' was accepted.");
    }

    [Fact]
    public void PartitionKey_IdsEveryMinuteForFiveHours_OneHourPerPartitionNewerFirst()
    {
        // The buckets need not start on the hour: what matters is one hour each, in the same order as the row keys.
        var keys = Enumerable.Range(0, 5 * 60)
            .Select(minute => TaskKeys.RowKey(IdAt(Epoch.AddMinutes(minute))))
            .Select(rowKey => (RowKey: rowKey, Partition: TaskKeys.PartitionKey(rowKey)))
            .ToList();

        var runs = new List<(string Partition, int Minutes)>();
        foreach (var (_, partition) in keys)
        {
            if (runs.Count > 0 && runs[^1].Partition == partition)
            {
                runs[^1] = (partition, runs[^1].Minutes + 1);
            }
            else
            {
                runs.Add((partition, 1));
            }
        }

        Assert.InRange(runs.Count, 5, 6);
        Assert.All(runs.Skip(1).SkipLast(1), run => Assert.Equal(60, run.Minutes));
        Assert.Equal(runs.Count, runs.Select(r => r.Partition).Distinct(StringComparer.Ordinal).Count());
        for (var i = 1; i < keys.Count; i++)
        {
            Assert.True(string.CompareOrdinal(keys[i].RowKey, keys[i - 1].RowKey) < 0, "A later task should have an earlier-sorting row key.");
            Assert.True(string.CompareOrdinal(keys[i].Partition, keys[i - 1].Partition) <= 0, "A later task should not be in a later-sorting partition.");
        }
    }

    [Fact]
    public void PartitionKey_OfId_IsThePartitionOfItsRowKey()
    {
        foreach (var id in new[] { IdAt(Epoch), IdAt(DateTimeOffset.UnixEpoch), IdAt(DateTimeOffset.MaxValue), Guid.NewGuid() })
        {
            var partition = TaskKeys.PartitionKey(id);

            Assert.Equal(TaskKeys.PartitionKey(TaskKeys.RowKey(id)), partition);
            Assert.Equal(9, partition.Length);
            Assert.True(partition.All(char.IsAsciiDigit), $"'{partition}' is not all digits.");
        }
    }

    [Fact]
    public void PartitionKey_SameMillisecond_SamePartition()
    {
        Assert.Equal(TaskKeys.PartitionKey(IdAt(Epoch)), TaskKeys.PartitionKey(IdAt(Epoch)));
    }
}
