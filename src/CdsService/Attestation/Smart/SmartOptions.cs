using System.ComponentModel.DataAnnotations;

namespace CdsService.Attestation.Smart;

/// <summary>
/// Section <c>Attestation:Smart</c>: the attestation form as a SMART App Launch 2.x (EHR launch) app, so that it can
/// write the QuestionnaireResponse to a FHIR server that needs an access token. Off unless enabled with a client id.
/// </summary>
internal sealed class SmartOptions : IValidatableObject
{
    public const string SectionName = "Attestation:Smart";

    /// <summary>Offer the SMART launch link on cards and serve the launch and callback endpoints.</summary>
    public bool Enabled { get; set; }

    /// <summary>The client id registered with the EHR's authorization server (a public client: PKCE, no secret).</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Scopes asked for. The form only creates one QuestionnaireResponse for the launch patient, so the default asks for
    /// that and the launch context, nothing more (no <c>openid fhirUser</c>: the author comes from the hook call).
    /// </summary>
    [Required]
    public string Scopes { get; set; } = "launch patient/QuestionnaireResponse.c";

    /// <summary>
    /// The service's public base URL the callback is registered under (<c>{base}/attestation/smart/callback</c>); unset,
    /// the request's own scheme and host are used, which is right only when no proxy rewrites them.
    /// </summary>
    public Uri? RedirectUriBase { get; set; }

    /// <summary>Bound on each call to the authorization server (discovery, token exchange).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a launch may take between the redirect to the EHR's sign-in and the callback.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan LaunchLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult("Attestation:Smart:ClientId is required when Attestation:Smart:Enabled is true", [nameof(ClientId)]);
        }

        if (RedirectUriBase is { } redirect && (!redirect.IsAbsoluteUri || redirect.Scheme is not ("https" or "http") || redirect.Query.Length > 0))
        {
            yield return new ValidationResult("Attestation:Smart:RedirectUriBase must be an absolute http(s) URL without a query", [nameof(RedirectUriBase)]);
        }
    }
}
