using System.Text.Json.Nodes;
using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>Order-sign requests derived from a fhir-examples scenario, reshaped for EHR-fetch tests.</summary>
internal static class EhrRequests
{
    /// <summary>The model scenario: every criterion met when the whole record is read.</summary>
    public const string AllMet = "05-ph-negative-adult-all-met";

    public const string Token = "eyJhbGciOi.TEST-ACCESS-TOKEN-5f1c.sig";

    public static JsonObject Load(string scenario = AllMet) =>
        JsonNode.Parse(Examples.Read($"scenarios/{scenario}/request.json"))!.AsObject();

    public static JsonObject PointedAt(this JsonObject request, string fhirServer)
    {
        request["fhirServer"] = fhirServer;
        return request;
    }

    public static JsonObject WithToken(this JsonObject request, string? accessToken)
    {
        request["fhirAuthorization"] = new JsonObject
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["scope"] = "patient/*.read",
            ["subject"] = "cds-service",
        };
        return request;
    }

    /// <summary>Removes the given prefetch keys, or the whole prefetch when none are named.</summary>
    public static JsonObject WithoutPrefetch(this JsonObject request, params string[] keys)
    {
        if (keys.Length == 0)
        {
            request.Remove("prefetch");
        }
        else
        {
            foreach (var key in keys)
            {
                request["prefetch"]!.AsObject().Remove(key);
            }
        }

        return request;
    }

    /// <summary>Keeps only the given prefetch keys.</summary>
    public static JsonObject WithOnlyPrefetch(this JsonObject request, params string[] keys) =>
        request.WithoutPrefetch([.. request["prefetch"]!.AsObject().Select(p => p.Key).Except(keys)]);

    public static JsonObject SetPrefetch(this JsonObject request, string key, JsonNode? value)
    {
        request["prefetch"]![key] = value;
        return request;
    }

    public static Task<HttpResponseMessage> PostAsync(this CdsApp app, JsonObject request) =>
        app.PostJsonAsync(CdsApp.BesponsaService, request.ToJsonString());
}
