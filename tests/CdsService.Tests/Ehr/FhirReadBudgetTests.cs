using System.Net;
using CdsService.Ehr;
using Microsoft.Extensions.Options;

namespace CdsService.Tests.Ehr;

public sealed class FhirReadBudgetTests
{
    private static readonly Uri Server = new("http://ehr.example/fhir/");

    [Fact]
    public async Task Nine_small_sections_read_at_once_all_fit_a_budget_smaller_than_nine_maximal_responses()
    {
        // The defaults: a 32 MB hook budget and 16 MB per response. Up-front reservations let only two reads in at once.
        var options = new FhirOptions();
        using var http = Client(options, bodyBytes: 2_000, delay: TimeSpan.FromMilliseconds(50));

        var reads = await Task.WhenAll(Enumerable.Range(0, 9).Select(i => http.GetAsync(new Uri(Server, $"Section{i}"))));

        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(reads, r => Assert.Equal(2_000, r.Content.Headers.ContentLength));
    }

    [Fact]
    public async Task Bodies_past_the_hook_budget_fail_and_the_rest_of_the_budget_stays_usable()
    {
        var options = new FhirOptions { MaxBytesPerHook = 5_000, MaxResponseBytes = 4_000 };
        using var http = Client(options, bodyBytes: 3_000, delay: TimeSpan.Zero);

        using var first = await http.GetAsync(new Uri(Server, "A"));
        var second = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(Server, "B")));

        Assert.Equal(3_000, (await first.Content.ReadAsByteArrayAsync()).Length);
        Assert.Contains("MaxBytesPerHook", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_larger_than_MaxResponseBytes_is_refused()
    {
        var options = new FhirOptions { MaxBytesPerHook = 10_000, MaxResponseBytes = 1_000 };
        using var big = Client(options, bodyBytes: 200_000, delay: TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => big.GetAsync(new Uri(Server, "A")));

        Assert.Contains("MaxResponseBytes", error.Message, StringComparison.Ordinal);
    }

    private static HttpClient Client(FhirOptions options, int bodyBytes, TimeSpan delay)
    {
        var gate = new FhirReadGate(Options.Create(options));
        return new HttpClient(new FhirReadBudget(new FixedBody(bodyBytes, delay), Server, gate, options));
    }

    // The headers come at once and the body only after the delay, as from a real server: the reads overlap.
    private sealed class FixedBody(int bytes, TimeSpan delay) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new SlowBody(new byte[bytes], delay)) });
    }

    private sealed class SlowBody(byte[] bytes, TimeSpan delay) : MemoryStream(bytes)
    {
        private bool _started;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_started)
            {
                _started = true;
                await Task.Delay(delay, cancellationToken);
            }

            return await base.ReadAsync(buffer, cancellationToken);
        }
    }
}
