using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CdsService.IntegrationTests.Security;

/// <summary>A key server that answers its headers at once and then drips its body cannot hold a call past the fetch budget.</summary>
public sealed class DrippingJwksTests
{
    [Fact]
    public async Task A_dripping_JWKS_body_is_abandoned_at_the_fetch_timeout()
    {
        using var dripping = new DrippingServer();
        using var service = new SecuredService(app => app
            .With("CdsClients:0:JwksUri", dripping.Url)
            .With("Security:Jwks:FetchTimeout", "00:00:00.500"));

        var started = Stopwatch.GetTimestamp();
        using var response = await service.CallWithTokenAsync(service.Token(jku: false).SignWith(service.Es384));
        var elapsed = Stopwatch.GetElapsedTime(started);

        // The drip would take 40 s; the call fails closed (no keys) once the 0.5 s budget is spent.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(15), $"took {elapsed}");
        Assert.Contains("KidUnknown", service.Logs.Reasons);
    }

    /// <summary>Plain sockets: headers promising 400 bytes, then one byte every 100 ms.</summary>
    private sealed class DrippingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public DrippingServer()
        {
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/.well-known/jwks.json";

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    using (socket)
                    {
                        await socket.ReceiveAsync(new byte[4096], SocketFlags.None, _stop.Token);
                        await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{"), SocketFlags.None, _stop.Token);
                        for (var i = 0; i < 399 && !_stop.IsCancellationRequested; i++)
                        {
                            await Task.Delay(100, _stop.Token);
                            await socket.SendAsync(" "u8.ToArray(), SocketFlags.None, _stop.Token);
                        }
                    }
                });
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
