using System.Text.Json;

namespace CdsService.Attestation.Smart;

/// <summary>
/// A launch between the redirect to the EHR's sign-in and the callback: the form link it is for, the FHIR server
/// (<c>iss</c>), the token endpoint, the PKCE verifier and the browser-binding value the cookie must match. Stored
/// behind the <c>state</c> parameter, protected, and taken by the first callback.
/// </summary>
internal sealed record SmartPending(string Link, string Server, string TokenEndpoint, string Verifier, string Binding, string RedirectUri)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static SmartPending? FromBytes(byte[] bytes) => JsonSerializer.Deserialize<SmartPending>(bytes);
}

/// <summary>
/// What the callback was granted, for the form to submit with: the form link, the FHIR server and the access token,
/// which exists only here, in the store, protected; never in a URL, a cookie, a log line or the page.
/// </summary>
internal sealed record SmartGrant(string Link, string Server, string AccessToken, string Binding)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static SmartGrant? FromBytes(byte[] bytes) => JsonSerializer.Deserialize<SmartGrant>(bytes);
}
