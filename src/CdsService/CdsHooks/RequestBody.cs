using System.Buffers;
using Microsoft.Net.Http.Headers;

namespace CdsService.CdsHooks;

/// <summary>Reads a JSON request body whole, enforcing the media type (415) and the size limit (413).</summary>
internal static class RequestBody
{
    public static async Task<ReadOnlyMemory<byte>> ReadJsonAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
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

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 16 * 1024, limit) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw TooLarge(limit);
            }
        }
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
