namespace Birthday.Gateway.ReadCache;

/// <summary>The response body on its way to the client, with a copy of it kept up to a size limit (past it, no copy).</summary>
public sealed class ResponseCopyStream(Stream client, int limit) : Stream
{
    private readonly MemoryStream _copy = new();
    private bool _tooLarge;

    public bool TryGetCopy(out byte[] body)
    {
        body = _tooLarge ? [] : _copy.ToArray();
        return !_tooLarge;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Remember(buffer.Span);
        await client.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Remember(buffer.AsSpan(offset, count));
        client.Write(buffer, offset, count);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => client.FlushAsync(cancellationToken);

    public override void Flush() => client.Flush();

    private void Remember(ReadOnlySpan<byte> bytes)
    {
        if (_tooLarge)
        {
            return;
        }

        if (_copy.Length + bytes.Length > limit)
        {
            _tooLarge = true;
            _copy.SetLength(0);
            return;
        }

        _copy.Write(bytes);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _copy.Dispose();
        }

        base.Dispose(disposing);
    }
}
