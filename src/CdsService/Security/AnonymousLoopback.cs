using System.Net;

namespace CdsService.Security;

/// <summary>
/// A call with no Authorization header from a loopback address: what Development lets through without a token. An
/// unknown address (null) is never taken for loopback.
/// </summary>
internal static class AnonymousLoopback
{
    public static bool Is(HttpContext? http) =>
        http is not null
        && !http.Request.Headers.ContainsKey("Authorization")
        && http.Connection.RemoteIpAddress is { } address
        && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
