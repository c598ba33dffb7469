using System.Net;

namespace CdsService.Ehr;

/// <summary>
/// The costs of reading one hook call's data from the FHIR server, enforced around the resilience pipeline: every
/// response body is read here, inside a process-wide cap on concurrent reads (<see cref="FhirOptions.MaxConcurrentReads"/>,
/// waited for until the hook deadline, so a burst queues instead of failing), and charged to the hook's byte budget
/// across all its sections and pages (<see cref="FhirOptions.MaxBytesPerHook"/>). It also tells the pipeline which
/// <c>fhirServer</c> base the call is for, so the circuit breaker is per base URL, not per host and port.
/// </summary>
/// <remarks>One per hook call; the pooled handler it wraps comes from IHttpClientFactory and is not disposed with it.</remarks>
internal sealed class FhirReadBudget(HttpMessageHandler pooled, Uri server, FhirReadGate gate, FhirOptions options) : DelegatingHandler(pooled)
{
    public static readonly HttpRequestOptionsKey<string> ServerKey = new("cds-fhir-server-base");

    private long _remaining = options.MaxBytesPerHook;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.Set(ServerKey, server.AbsoluteUri);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);

            // Reserve what this body may take, read it within the reservation, refund the rest.
            var reserved = Reserve();
            try
            {
                await response.Content.LoadIntoBufferAsync(reserved, cancellationToken);
                var used = response.Content.Headers.ContentLength ?? reserved;
                Interlocked.Add(ref _remaining, reserved - Math.Min(used, reserved));
            }
            catch (HttpRequestException)
            {
                // Too large for the reservation, or a connection that broke mid-body: either way the section is
                // unavailable, and the reservation is refunded.
                Interlocked.Add(ref _remaining, reserved);
                response.Dispose();
                throw;
            }

            return response;
        }
        finally
        {
            gate.Release();
        }
    }

    private long Reserve()
    {
        while (true)
        {
            var remaining = Interlocked.Read(ref _remaining);
            var take = Math.Min(remaining, options.MaxResponseBytes);
            if (take <= 0)
            {
                throw new HttpRequestException($"The hook's FHIR byte budget (Fhir:MaxBytesPerHook, {options.MaxBytesPerHook} bytes) is spent.", null, HttpStatusCode.RequestEntityTooLarge);
            }

            if (Interlocked.CompareExchange(ref _remaining, remaining - take, remaining) == remaining)
            {
                return take;
            }
        }
    }
}

/// <summary>The process-wide cap on concurrent FHIR-server reads (<see cref="FhirOptions.MaxConcurrentReads"/>).</summary>
internal sealed class FhirReadGate(Microsoft.Extensions.Options.IOptions<FhirOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentReads, options.Value.MaxConcurrentReads);

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
