using System.Net;
using System.Net.Sockets;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CdsService.IntegrationTests.Security;

/// <summary>A CDS client's key server: WireMock on 127.0.0.1 publishing a JWK Set the test can rotate.</summary>
internal sealed class JwksServer : IDisposable
{
    public const string JwksPath = "/.well-known/jwks.json";

    private readonly WireMockServer _server = WireMockServer.Start($"http://127.0.0.1:{FreePort()}");

    public Uri JwksUri => new(_server.Urls[0] + JwksPath);

    /// <summary>A URL on the same server that no client configuration lists.</summary>
    public Uri UnlistedUri => new(_server.Urls[0] + "/attacker/jwks.json");

    public JwksServer Publish(string jwks, TimeSpan? delay = null)
    {
        _server.ResetMappings();
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(jwks);
        _server.Given(Request.Create().WithPath(JwksPath).UsingGet()).RespondWith(delay is { } d ? response.WithDelay(d) : response);
        _server.Given(Request.Create().WithPath("/attacker/jwks.json").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(jwks));
        return this;
    }

    public int Requests(string path) => _server.LogEntries.Count(e => e.RequestMessage.Path == path);

    public int JwksRequests => Requests(JwksPath);

    public void Dispose() => _server.Stop();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
