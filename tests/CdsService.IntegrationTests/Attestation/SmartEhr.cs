using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Ehr;
using CdsService.PatientRecords;
using Microsoft.AspNetCore.WebUtilities;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace CdsService.IntegrationTests.Attestation;

/// <summary>
/// An EHR (WireMock) that is a FHIR server and its SMART authorization server, as a browser meets it: discovery,
/// an authorize endpoint that signs the user in at once and sends the browser back to <c>redirect_uri</c> with a
/// fresh code and the <c>state</c> it was given, and a token endpoint that, like a real one, grants only for a code it
/// issued, to the same redirect_uri, with the verifier whose S256 challenge came with that code. A POSTed
/// QuestionnaireResponse is stored with the Authorization header it came with, and served on search.
/// </summary>
internal sealed class SmartEhr : IDisposable
{
    public const string ClientId = "cds-attestation";
    public const string PatientId = "pat-07";
    private static readonly string[] S256 = ["S256"];
    private static readonly string[] Capabilities = ["launch-ehr", "client-public"];

    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> _issued = new();
    private readonly ConcurrentQueue<(string Body, string? Authorization)> _stored = new();

    public SmartEhr()
    {
        ServeConfiguration(Ehr);
        Ehr.Server.Given(Request.Create().WithPath("/auth/authorize").UsingGet()).RespondWith(Response.Create().WithCallback(Authorize));
        Ehr.Server.Given(Request.Create().WithPath("/auth/token").UsingPost()).RespondWith(Response.Create().WithCallback(Token));
        Ehr.Server.Given(Request.Create().WithPath($"{FakeEhr.BasePath}/QuestionnaireResponse").UsingPost()).RespondWith(Response.Create().WithCallback(Store));
        Ehr.Serve(RecordSection.All.Single(s => s.Key == "questionnaireResponses"), PatientId, r => r.WithCallback(_ => Search()));
    }

    public FakeEhr Ehr { get; } = new();

    /// <summary>
    /// The SMART discovery document (<c>.well-known/smart-configuration</c>) naming this EHR's <c>/auth/authorize</c>
    /// and <c>/auth/token</c>: for tests that stub those two endpoints themselves.
    /// </summary>
    public static void ServeConfiguration(FakeEhr ehr) =>
        ehr.Server.Given(Request.Create().WithPath($"{FakeEhr.BasePath}/.well-known/smart-configuration").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(new
            {
                authorization_endpoint = ehr.Server.Url + "/auth/authorize",
                token_endpoint = ehr.Server.Url + "/auth/token",
                code_challenge_methods_supported = S256,
                capabilities = Capabilities,
            })));

    /// <summary>The token this EHR grants; random per instance, so finding it anywhere else means it leaked.</summary>
    public string AccessToken { get; } = "smart-at-" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(24));

    /// <summary>What the token response names as appContext (CDS Hooks: the card link's appContext, passed through).</summary>
    public string? AppContext { get; set; }

    public IReadOnlyList<(string Body, string? Authorization)> Stored => [.. _stored];

    public IReadOnlyList<IRequestMessage> AuthorizeRequests => [.. Ehr.Requests.Where(r => r.Path == "/auth/authorize")];

    public IReadOnlyList<IRequestMessage> TokenRequests => [.. Ehr.Requests.Where(r => r.Path == "/auth/token")];

    private ResponseMessage Authorize(IRequestMessage request)
    {
        string? Query(string name) => request.Query?.TryGetValue(name, out var values) == true ? values.FirstOrDefault() : null;
        if (Query("response_type") != "code" || Query("client_id") != ClientId || Query("code_challenge_method") != "S256"
            || Query("code_challenge") is not { Length: > 0 } challenge || Query("redirect_uri") is not { } redirect || Query("state") is not { } state)
        {
            return Message(400, "text/plain", "invalid_request");
        }

        var code = "code-" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(24));
        _issued[code] = (challenge, redirect);
        var location = QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["code"] = code, ["state"] = state });
        var message = Message(302, "text/plain", "");
        message.Headers!["Location"] = new WireMockList<string>(location);
        return message;
    }

    private ResponseMessage Token(IRequestMessage request)
    {
        var form = QueryHelpers.ParseQuery(request.Body);
        string? Field(string name) => form.TryGetValue(name, out var values) ? values.ToString() : null;

        // A code is good once, for the redirect_uri it was issued to, and only with the verifier behind its challenge
        // (RFC 7636 §4.6).
        if (Field("grant_type") != "authorization_code" || Field("client_id") != ClientId
            || Field("code") is not { } code || !_issued.TryRemove(code, out var issued)
            || Field("redirect_uri") != issued.RedirectUri || Field("code_verifier") is not { } verifier || Challenge(verifier) != issued.Challenge)
        {
            return Message(400, "application/json", "{\"error\":\"invalid_grant\"}");
        }

        var token = new JsonObject
        {
            ["access_token"] = AccessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["scope"] = "launch patient/QuestionnaireResponse.c",
            ["patient"] = PatientId,
        };
        if (AppContext is { } context)
        {
            token["appContext"] = context;
        }

        return Message(200, "application/json", token.ToJsonString());
    }

    /// <summary>RFC 7636 §4.2, S256: BASE64URL(SHA256(ASCII(code_verifier))).</summary>
    public static string Challenge(string verifier) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private ResponseMessage Store(IRequestMessage request)
    {
        var resource = JsonNode.Parse(request.Body!)!.AsObject();
        resource["id"] = $"qr-{_stored.Count + 1}";
        _stored.Enqueue((resource.ToJsonString(), request.Header("Authorization")));
        return Message(201, FakeEhr.FhirJson, resource.ToJsonString());
    }

    private ResponseMessage Search()
    {
        var entries = string.Join(",", _stored.Select(r => $"{{\"resource\":{r.Body}}}"));
        return Message(200, FakeEhr.FhirJson, $"{{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":{_stored.Count},\"entry\":[{entries}]}}");
    }

    private static ResponseMessage Message(int status, string contentType, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(contentType) },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
    };

    public void Dispose() => Ehr.Dispose();
}
