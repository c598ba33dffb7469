using CdsService.Hosting;

namespace CdsService.Tests.Hosting;

/// <summary>Which of the server's listeners the warm-up may call itself on: plain HTTP, over loopback only.</summary>
public sealed class WarmUpCallsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5192", "http://127.0.0.1:5192/")]
    [InlineData("http://localhost:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://[::]:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://+:80", "http://127.0.0.1:80/")]
    [InlineData("http://*:80", "http://127.0.0.1:80/")]
    [InlineData("http://[::1]:5080", "http://[::1]:5080/")]
    public void A_plain_HTTP_listener_is_called_on_loopback(string address, string expected) =>
        Assert.Equal(new Uri(expected), WarmUpCalls.Loopback(address));

    [Theory]
    [InlineData("https://127.0.0.1:5001")]
    [InlineData("http://10.1.2.3:8080")]
    [InlineData("http://cds.example.org:80")]
    [InlineData("http://unix:/run/cds.sock")]
    [InlineData("not an address")]
    public void Anything_else_is_never_called(string address) =>
        Assert.Null(WarmUpCalls.Loopback(address));
}
