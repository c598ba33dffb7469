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
        return services;
    }
}
