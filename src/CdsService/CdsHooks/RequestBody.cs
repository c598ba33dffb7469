using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace CdsService.CdsHooks;

/// <summary>Reads a JSON request body whole, enforcing the media type (415) and the size limit (413).</summary>
/// <remarks>
/// The body lives in a buffer rented from the shared array pool and goes back when the caller disposes it: a 149 KB
/// order-sign would otherwise be one or two large-object-heap arrays per request, and every such allocation counts
/// towards a gen2 collection.
/// </remarks>
internal static class RequestBody
{
    private const int ChunkSize = 16 * 1024;

    public static async Task<PooledBody> ReadJsonAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            throw new CdsRequestException(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported media type",
                "CDS Hooks requests must be sent as application/json.");
        }

        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        // One byte more than the declared length, so a body longer than its Content-Length is seen, not truncated.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? ChunkSize, limit) + 1);
        var written = 0;
        try
        {
            while (true)
            {
                // With a declared length the buffer already fits it (the pool rounds up): grow only if it is full.
                if (request.ContentLength is null ? buffer.Length - written < ChunkSize / 4 : written == buffer.Length)
                {
                    buffer = Grow(buffer, written, limit);
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(written), cancellationToken);
                if (read == 0)
                {
                    return new PooledBody(buffer, written);
                }

                written += read;
                if (written > limit)
                {
                    throw TooLarge(limit);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            throw;
        }
    }

    private static byte[] Grow(byte[] buffer, int written, long limit)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(buffer.Length * 2L, written + ChunkSize), limit + 1 + ChunkSize));
        buffer.AsSpan(0, written).CopyTo(larger);
        buffer.AsSpan(0, written).Clear();
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.HasValue
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Value!.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static CdsRequestException TooLarge(long limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        "Request body too large",
        $"The request body exceeds the {limit} byte limit.");
}

/// <summary>
/// A request body in a pooled buffer. Nothing may keep <see cref="Memory"/> (or a JsonDocument over it) past
/// <see cref="Dispose"/>: the buffer is then another request's.
/// </summary>
internal sealed class PooledBody(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlyMemory<byte> Memory => _buffer is { } b ? b.AsMemory(0, length) : throw new ObjectDisposedException(nameof(PooledBody));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } b)
        {
            // The next renter may serve another patient: no chart bytes stay behind in a shared buffer.
            b.AsSpan(0, length).Clear();
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
