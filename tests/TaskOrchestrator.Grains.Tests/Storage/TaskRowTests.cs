using System.Text;
using TaskOrchestrator.Storage;
using TaskOrchestrator.Tasks;

namespace TaskOrchestrator.Grains.Tests.Storage;

public sealed class TaskRowTests
{
    // A listing row as the stores write it: the snapshot as JSON, its count of started attempts under "attempts".
    private const string StoredRow = """
        {"id":"0190f5a0-0000-7000-8000-000000000001","owner":"bob","url":"http://127.0.0.1:9/x","method":"POST",
         "createdAt":"2026-11-27T09:00:00+00:00","dueAt":"2026-11-27T09:00:05+00:00","status":"Running","attempts":2}
        """;

    [Fact]
    public void ReadListed_StoredRow_ReadsItsCountOfStartedAttempts()
    {
        var snapshot = TaskRow.ReadListed(Encoding.UTF8.GetBytes(StoredRow));

        Assert.Equal(2, snapshot.AttemptsStarted);
        Assert.Equal(ScheduledTaskStatus.Running, snapshot.Status);
    }
}
