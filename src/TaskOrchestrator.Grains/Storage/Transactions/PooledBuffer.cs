using System.Buffers;
using System.Globalization;
using System.Text;

namespace TaskOrchestrator.Storage.Transactions;

/// <summary>A growable byte buffer rented from the shared array pool: what a <c>$batch</c> body is written into and read from.</summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _written;

    public PooledBuffer(int initialSize) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, 256));

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _written);

    /// <summary>The array behind <see cref="Written"/> (valid until the next write or <see cref="Dispose"/>).</summary>
    public byte[] Array => _buffer;

    public int Length => _written;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_written));
        _written += bytes.Length;
    }

    public void WriteUtf8(string text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _written += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_written));
    }

    public void WriteNumber(long value)
    {
        Ensure(20);
        value.TryFormat(_buffer.AsSpan(_written), out var count, default, CultureInfo.InvariantCulture);
        _written += count;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + sizeHint));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
