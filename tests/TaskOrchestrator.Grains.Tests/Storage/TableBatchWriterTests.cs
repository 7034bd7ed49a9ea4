using Azure;
using Azure.Data.Tables;
using TaskOrchestrator.Storage;

namespace TaskOrchestrator.Grains.Tests.Storage;

/// <summary>How the group-commit writer cuts rows into entity-group transactions: no storage involved.</summary>
public sealed class TableBatchWriterTests
{
    [Fact]
    public void Transactions_RowsWhoseBase64PassesTheBatchCap_AreSplitBySizeAsSent()
    {
        // Three rows of 900,000 raw bytes: 2.7 MB raw fits the old raw-byte limit (3 MiB), but as sent (base64) it is
        // 3.6 MB, close to Azure's 4 MiB cap on a $batch body. Counted as sent, no transaction may carry more than two.
        var rows = Enumerable.Range(0, 3).Select(i => Upsert("p", $"r{i}", new byte[900_000])).ToList();

        var transactions = TableBatchWriter.Transactions(rows, r => r, TableBatchWriter.SentBytes).ToList();

        Assert.Equal([2, 1], transactions.Select(t => t.Count));
        Assert.All(transactions, t => Assert.True(t.Sum(TableBatchWriter.SentBytes) <= TableBatchWriter.MaxSentBytesPerTransaction));
        Assert.All(transactions, t => Assert.True(t.Sum(r => (long)((TableEntity)r.Entity).GetBinary("State").Length * 4 / 3) < 4L * 1024 * 1024));
    }

    [Fact]
    public void SentBytes_BinaryAndText_CountBase64AndWorstCaseEscaping()
    {
        var binary = TableBatchWriter.SentBytes(Upsert("p", "r", new byte[3_000]));
        var text = TableBatchWriter.SentBytes(new TableTransactionAction(
            TableTransactionActionType.UpsertReplace, new TableEntity("p", "r") { ["Summary"] = new string('\u0001', 1_000) }));

        Assert.InRange(binary, 4_000, 6_000);
        Assert.InRange(text, 6_000, 8_000);
    }

    [Fact]
    public void Transactions_ManyRowsAcrossPartitions_OnePartitionAndAtMost100RowsAndNoKeyTwicePerTransaction()
    {
        var rows = Enumerable.Range(0, 250).Select(i => Upsert($"p{i % 2}", $"r{i % 120}", new byte[10])).ToList();

        var transactions = TableBatchWriter.Transactions(rows, r => r, TableBatchWriter.SentBytes).ToList();

        Assert.Equal(250, transactions.Sum(t => t.Count));
        Assert.All(transactions, t =>
        {
            Assert.InRange(t.Count, 1, TableBatchWriter.MaxRowsPerTransaction);
            Assert.Single(t.Select(r => r.Entity.PartitionKey).Distinct());
            Assert.Equal(t.Count, t.Select(r => r.Entity.RowKey).Distinct().Count());
        });
    }

    private static TableTransactionAction Upsert(string partition, string row, byte[] state) =>
        new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, row) { ["State"] = state }, ETag.All);
}
