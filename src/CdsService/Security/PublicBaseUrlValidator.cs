using CdsService.CdsHooks;
using Microsoft.Extensions.Options;

namespace CdsService.Security;

/// <summary>
/// Outside Development the <c>aud</c> check must not trust the Host header, so the public base URL has to be configured.
/// </summary>
internal sealed class PublicBaseUrlValidator(IHostEnvironment environment) : IValidateOptions<CdsOptions>
{
    public ValidateOptionsResult Validate(string? name, CdsOptions options)
    {
        if (environment.IsDevelopment())
        {
            return ValidateOptionsResult.Success;
        }

        return options.PublicBaseUrl is { IsAbsoluteUri: true } url && url.Scheme == Uri.UriSchemeHttps && url.Query.Length == 0 && url.Fragment.Length == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Cds:PublicBaseUrl must be set to this service's public https URL outside Development (it is '{options.PublicBaseUrl}'): "
                + "a client JWT's aud must equal it followed by the endpoint path.");
    }
}
