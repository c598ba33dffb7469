using CdsService.Ehr;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CdsService.Attestation;

internal enum WriteOutcome
{
    Written,
    NoServer,
    ServerNotAllowed,
    NeedsToken,
    Failed,
}

/// <summary>
/// Writes a finished QuestionnaireResponse to the EHR's FHIR server of the hook call (Firely FhirClient over the same
/// allowlisted, non-redirecting HttpClient the record is read with), only when that server is on
/// <c>Fhir:AllowedServers</c>, and either needs no token or the form was opened through a SMART launch whose bearer
/// token is passed in: the hook call's own access token was for that call alone and is never kept.
/// </summary>
internal sealed partial class ResponseWriter(IHttpClientFactory httpClients, FhirServerAllowlist allowlist, ILogger<ResponseWriter> logger)
{
    public async Task<WriteOutcome> WriteAsync(FormSession session, QuestionnaireResponse response, string? accessToken, CancellationToken cancellationToken)
    {
        if (session.FhirServer is null || !Uri.TryCreate(session.FhirServer, UriKind.Absolute, out var server))
        {
            return WriteOutcome.NoServer;
        }

        if (!allowlist.Allows(server))
        {
            return WriteOutcome.ServerNotAllowed;
        }

        if (session.ServerNeedsToken && accessToken is null)
        {
            return WriteOutcome.NeedsToken;
        }

        try
        {
            using var http = httpClients.CreateClient(FhirServerDataSource.HttpClientName);
            if (accessToken is not null)
            {
                // This HttpClient instance is this write's alone; its handler never follows a redirect with the header.
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
            }

            using var client = new FhirClient(server, http, new FhirClientSettings
            {
                PreferredFormat = ResourceFormat.Json,
                VerifyFhirVersion = false,
                UseFhirVersionInAcceptHeader = false,
                ReturnPreference = ReturnPreference.Minimal,
            });
            await client.CreateAsync(response, cancellationToken);
            LogWritten(logger);
            return WriteOutcome.Written;
        }
        catch (FhirOperationException e)
        {
            LogRefused(logger, (int)e.Status);
            return WriteOutcome.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Only the type: lower layers' messages may quote the URL, and with it the patient id.
            LogFailed(logger, e.GetType().Name);
            return WriteOutcome.Failed;
        }
    }

    [LoggerMessage(LogLevel.Information, "Attestation QuestionnaireResponse written to the EHR's FHIR server")]
    private static partial void LogWritten(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "The EHR's FHIR server refused the attestation QuestionnaireResponse with HTTP {Status}")]
    private static partial void LogRefused(ILogger logger, int status);

    [LoggerMessage(LogLevel.Warning, "Writing the attestation QuestionnaireResponse failed: {Failure}")]
    private static partial void LogFailed(ILogger logger, string failure);
}
