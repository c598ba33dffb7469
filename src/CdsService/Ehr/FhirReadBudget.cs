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

    private const int ChunkBytes = 81920;

    private long _remaining = options.MaxBytesPerHook;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.Set(ServerKey, server.AbsoluteUri);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            try
            {
                response.Content = await BufferAsync(response.Content, cancellationToken);
            }
            catch (HttpRequestException)
            {
                // Too large, the hook's budget spent, or a connection that broke mid-body: the section is unavailable.
                response.Dispose();
                throw;
            }
            catch (IOException e)
            {
                response.Dispose();
                throw new HttpRequestException("The FHIR server's response broke off mid-body.", e);
            }

            return response;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Reads the body chunk by chunk, charging each chunk to the hook's budget as it arrives. Charging what is read,
    /// not reserving the largest possible response up front, lets a hook's sections read in parallel: nine sections
    /// reserving <see cref="FhirOptions.MaxResponseBytes"/> each would exhaust the budget before any byte arrived.
    /// What a failed read charged is refunded, since its buffer is dropped with it.
    /// </summary>
    private async Task<HttpContent> BufferAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long charged = 0;
        try
        {
            await using (var stream = await content.ReadAsStreamAsync(cancellationToken))
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
                {
                    if (body.Length + read > options.MaxResponseBytes)
                    {
                        throw new HttpRequestException($"A FHIR server response is larger than Fhir:MaxResponseBytes ({options.MaxResponseBytes} bytes).", null, HttpStatusCode.RequestEntityTooLarge);
                    }

                    charged += read;
                    if (Interlocked.Add(ref _remaining, -read) < 0)
                    {
                        throw new HttpRequestException($"The hook's FHIR byte budget (Fhir:MaxBytesPerHook, {options.MaxBytesPerHook} bytes) is spent.", null, HttpStatusCode.RequestEntityTooLarge);
                    }

                    body.Write(chunk, 0, read);
                }
            }

            // The stream's own buffer, not a copy: a large page would otherwise be held twice.
            var buffered = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
            foreach (var header in content.Headers)
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            buffered.Headers.ContentLength = body.Length;
            content.Dispose();
            return buffered;
        }
        catch
        {
            Interlocked.Add(ref _remaining, charged);
            body.Dispose();
            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
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
