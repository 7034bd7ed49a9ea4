using Azure.Data.Tables;

namespace TaskOrchestrator.Storage;

/// <summary>
/// Bytes kept in a row's binary properties, <c>{name}</c>, <c>{name}1</c>, <c>{name}2</c>, …: one holds 64 KiB, a row
/// 1 MiB in all.
/// </summary>
internal static class ItemChunks
{
    /// <summary>The bytes one binary property holds, with room to spare under its 64 KiB.</summary>
    public const int ChunkBytes = 64_000;

    /// <summary>The most properties a value may span: 15 x 64,000 bytes stays under a row's 1 MiB.</summary>
    public const int MaxChunks = 15;

    /// <summary>
    /// Sets <paramref name="value"/> on <paramref name="entity"/> under <paramref name="name"/>, split as needed. The
    /// properties wrap <paramref name="value"/> without copying it (one item goes into several listing rows): it must not
    /// change until the row is written.
    /// </summary>
    public static void Write(TableEntity entity, string name, ReadOnlyMemory<byte> value)
    {
        var chunks = (value.Length + ChunkBytes - 1) / ChunkBytes;
        if (chunks > MaxChunks)
        {
            throw new RowTooLargeException($"{value.Length} bytes do not fit in one table row.");
        }

        if (chunks <= 1)
        {
            entity[name] = new BinaryData(value);
            return;
        }

        for (var i = 0; i < chunks; i++)
        {
            entity[ChunkName(name, i)] = new BinaryData(value.Slice(i * ChunkBytes, Math.Min(ChunkBytes, value.Length - i * ChunkBytes)));
        }
    }

    /// <summary>The bytes stored under <paramref name="name"/>, joined from its properties; empty when there are none.</summary>
    public static byte[] Read(TableEntity entity, string name)
    {
        var first = entity.GetBinary(name);
        if (first is null)
        {
            return [];
        }

        if (entity.GetBinary(ChunkName(name, 1)) is null)
        {
            return first;
        }

        var parts = new List<byte[]> { first };
        for (var i = 1; entity.GetBinary(ChunkName(name, i)) is { } part; i++)
        {
            parts.Add(part);
        }

        var joined = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(joined, offset);
            offset += part.Length;
        }

        return joined;
    }

    /// <summary>The names every chunk of <paramref name="name"/> may have: for a query's select list.</summary>
    public static IEnumerable<string> Names(string name) => Enumerable.Range(0, MaxChunks).Select(i => ChunkName(name, i));

    private static string ChunkName(string name, int index) => index == 0 ? name : $"{name}{index}";
}
