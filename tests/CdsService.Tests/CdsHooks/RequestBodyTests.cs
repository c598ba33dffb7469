using CdsService.CdsHooks;
using Microsoft.AspNetCore.Http;

namespace CdsService.Tests.CdsHooks;

/// <summary>
/// The pooled request body: every byte arrives whether or not the length was declared and however the transport
/// splits it, the limit holds for chunked bodies too, and the buffer is unusable once returned.
/// </summary>
public sealed class RequestBodyTests
{
    private static readonly byte[] Bench = File.ReadAllBytes(TestFiles.PathOf("bench/order-sign-90-resources.json"));

    [Theory]
    [InlineData(true, 65_536)]
    [InlineData(false, 65_536)]
    [InlineData(false, 1_000)]
    [InlineData(false, 7)]
    public async Task The_whole_body_is_read_with_or_without_a_content_length(bool declared, int chunk)
    {
        var http = Request(Bench, declared, chunk);

        using var body = await RequestBody.ReadJsonAsync(http.Request, 5_000_000, CancellationToken.None);

        Assert.True(body.Memory.Span.SequenceEqual(Bench));
    }

    [Fact]
    public async Task An_empty_body_is_empty()
    {
        using var body = await RequestBody.ReadJsonAsync(Request([], declared: false, 10).Request, 100, CancellationToken.None);

        Assert.Equal(0, body.Memory.Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_413_declared_or_chunked(bool declared)
    {
        var e = await Assert.ThrowsAsync<CdsRequestException>(() =>
            RequestBody.ReadJsonAsync(Request(Bench, declared, 4_096).Request, Bench.Length - 1, CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, e.Status);
    }

    [Fact]
    public async Task A_body_exactly_at_the_limit_is_read()
    {
        using var body = await RequestBody.ReadJsonAsync(Request(Bench, declared: false, 4_096).Request, Bench.Length, CancellationToken.None);

        Assert.Equal(Bench.Length, body.Memory.Length);
    }

    [Fact]
    public async Task The_memory_cannot_be_read_after_the_buffer_went_back_to_the_pool()
    {
        var body = await RequestBody.ReadJsonAsync(Request(Bench, declared: true, 65_536).Request, 5_000_000, CancellationToken.None);
        body.Dispose();
        body.Dispose();

        Assert.Throws<ObjectDisposedException>(() => body.Memory);
    }

    private static DefaultHttpContext Request(byte[] bytes, bool declared, int chunk)
    {
        var http = new DefaultHttpContext();
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = declared ? bytes.Length : null;
        http.Request.Body = new ChunkedStream(bytes, chunk);
        return http;
    }

    /// <summary>A stream that hands out at most <c>chunk</c> bytes per read, as a network transport does.</summary>
    private sealed class ChunkedStream(byte[] bytes, int chunk) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
