using System.Net;
using CdsService.Attestation.Smart;

namespace CdsService.Attestation;

internal static class AttestationRegistration
{
    /// <summary>
    /// The attestation form: Data Protection for its links and stored state, the link issuer and the FHIR writer. Its
    /// sessions live in the service's state store (<see cref="CdsService.Storage.IFormSessionStore"/>).
    /// </summary>
    public static IServiceCollection AddAttestationForms(this IServiceCollection services)
    {
        services.AddOptions<AttestationOptions>().BindConfiguration(AttestationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddDataProtection();
        services.AddSingleton<FormLinks>();
        services.AddSingleton<ResponseWriter>();

        // SMART App Launch: its own HttpClient for discovery and the token exchange, bounded in time and size, never
        // following a redirect (the code and verifier must reach the endpoint discovered, nowhere else) and not logging
        // URLs or headers.
        services.AddOptions<SmartOptions>().BindConfiguration(SmartOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SmartClient>();
        services.AddHttpClient(SmartClient.HttpClientName, http => http.MaxResponseContentBufferSize = SmartClient.MaxResponseBytes)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
            .RemoveAllLoggers();
        return services;
    }
}
