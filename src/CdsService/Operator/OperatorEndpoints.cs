using System.Globalization;
using System.Text.Json;
using CdsService.Audit;
using CdsService.CdsHooks;
using CdsService.Determinations;
using CdsService.Feedback;
using CdsService.Storage;

namespace CdsService.Operator;

/// <summary>
/// Read-only views of what this service told EHRs, for the payer's staff: one hook call with the feedback on its
/// cards, the guidance given under a coverage-assertion-id (for adjudication), override statistics per criterion, and
/// an NDJSON export. Nothing here holds a token or a raw patient identifier: the audit trail never stored one.
/// </summary>
internal static partial class OperatorEndpoints
{
    public const string BasePath = "/operator";

    /// <summary>The window when the caller gives none: the last 30 days.</summary>
    private static readonly ReadOnlyMemory<byte> Newline = "\n"u8.ToArray();

    private const string NoCriterion = "(card without criteria)";

    private static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapOperator(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(BasePath).WithTags("Operator").RequireAuthorization(OperatorAuthorization.PolicyName);
        group.MapGet("hook-calls/{hookInstance}", GetHookCall);
        group.MapGet("hook-calls", ExportHookCalls);
        group.MapGet("coverage-assertions/{id}", GetCoverageAssertion);
        group.MapGet("feedback-summary", GetFeedbackSummary);
        return app;
    }

    private static async Task<IResult> GetHookCall(string hookInstance, IAuditStore audit, IFeedbackStore feedback, CancellationToken cancellationToken)
    {
        var calls = await audit.FindHookCallsAsync(hookInstance, cancellationToken);
        if (calls.Count == 0)
        {
            throw new CdsRequestException(StatusCodes.Status404NotFound, "Unknown hook call", $"No hook call with hookInstance '{hookInstance}' is on record.");
        }

        var items = await feedback.FindFeedbackAsync([.. calls.SelectMany(c => c.Cards).Select(c => c.Uuid)], cancellationToken);
        var byCard = items.ToLookup(f => f.CardUuid, StringComparer.Ordinal);
        return Results.Json(new HookCallView(hookInstance, [.. calls.Select(c => CallView.Of(c, byCard))]), Json);
    }

    private static async Task<IResult> GetCoverageAssertion(string id, IAuditStore audit, IDeterminationStore determinations, CancellationToken cancellationToken)
    {
        var call = await audit.FindByCoverageAssertionAsync(id, cancellationToken);
        var determination = await determinations.FindDeterminationAsync(id, cancellationToken);
        if (call is null && determination is null)
        {
            throw new CdsRequestException(StatusCodes.Status404NotFound, "Unknown coverage assertion", $"No guidance was given under coverage-assertion-id '{id}'.");
        }

        return Results.Json(
            new CoverageAssertionView(
                id,
                call?.CoverageAssertions.FirstOrDefault(a => a.Id == id),
                determination,
                call is null ? null : new CallSummary(call.Id, call.HookInstance, call.Time, call.ServiceId, call.ClientIssuer, call.PatientKey)),
            Json);
    }

    private static async Task<IResult> GetFeedbackSummary(HttpRequest request, IFeedbackStore feedback, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (from, to) = Window(request, clock);
        var groups = new Dictionary<(string Criterion, string Outcome), SummaryAccumulator>();
        await foreach (var item in feedback.ListFeedbackAsync(from, to, cancellationToken))
        {
            // A card that concerns no single criterion (the summary) is counted under "(card without criteria)".
            IEnumerable<string> criteria = item.CriterionIds.Count > 0 ? item.CriterionIds : [NoCriterion];
            foreach (var criterion in criteria)
            {
                var key = (criterion, item.Feedback.Outcome);
                if (!groups.TryGetValue(key, out var group))
                {
                    groups[key] = group = new SummaryAccumulator();
                }

                group.Add(item.Feedback);
            }
        }

        return Results.Json(
            new FeedbackSummaryView(from, to, [.. groups.OrderBy(g => g.Key.Criterion, StringComparer.Ordinal).ThenBy(g => g.Key.Outcome, StringComparer.Ordinal)
                .Select(g => g.Value.View(g.Key.Criterion, g.Key.Outcome))]),
            Json);
    }

    /// <summary>One hook call per line, oldest first, streamed: an export never holds the whole range in memory.</summary>
    private static async Task ExportHookCalls(HttpContext http, IAuditStore audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (from, to) = Window(http.Request, clock);
        http.Response.ContentType = "application/x-ndjson";
        var lines = 0;
        await foreach (var call in audit.ListHookCallsAsync(from, to, cancellationToken))
        {
            await JsonSerializer.SerializeAsync(http.Response.Body, call, Json, cancellationToken);
            await http.Response.Body.WriteAsync(Newline, cancellationToken);
            if (++lines % 100 == 0)
            {
                await http.Response.Body.FlushAsync(cancellationToken);
            }
        }
    }

    private static (DateTimeOffset From, DateTimeOffset To) Window(HttpRequest request, TimeProvider clock)
    {
        var to = Instant(request, "to") ?? clock.GetUtcNow();
        // Clamped: subtracting the default window from a 'to' in the calendar's first month would overflow.
        var from = Instant(request, "from") ?? (to - DateTimeOffset.MinValue < DefaultWindow ? DateTimeOffset.MinValue : to - DefaultWindow);
        return from <= to
            ? (from, to)
            : throw CdsRequestException.BadRequest("'from' must not be after 'to'.");
    }

    private static DateTimeOffset? Instant(HttpRequest request, string name)
    {
        if (request.Query[name] is not [{ Length: > 0 } text])
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when)
            ? when
            : throw CdsRequestException.BadRequest($"'{name}' must be a date (2026-11-01) or an RFC 3339 date-time (2026-11-01T00:00:00Z).");
    }

    private sealed record HookCallView(string HookInstance, IReadOnlyList<CallView> Calls);

    private sealed record CallView(
        string Id,
        DateTimeOffset Time,
        string ServiceId,
        string Hook,
        string? ClientIssuer,
        string? PatientKey,
        int Status,
        double LatencyMs,
        IReadOnlyList<CriterionOutcome> Criteria,
        IReadOnlyList<CardView> Cards,
        IReadOnlyList<CoverageAssertion> CoverageAssertions)
    {
        public static CallView Of(HookCallRecord call, ILookup<string, FeedbackRecord> feedback) => new(
            call.Id,
            call.Time,
            call.ServiceId,
            call.Hook,
            call.ClientIssuer,
            call.PatientKey,
            call.Status,
            call.LatencyMs,
            call.Criteria,
            [.. call.Cards.Select(c => new CardView(c.Uuid, c.Indicator, c.Summary, c.SuggestionUuids, c.CriterionIds, [.. feedback[c.Uuid].Select(FeedbackView.Of)]))],
            call.CoverageAssertions);
    }

    private sealed record CardView(string Uuid, string Indicator, string Summary, IReadOnlyList<string> SuggestionUuids, IReadOnlyList<string> CriterionIds, IReadOnlyList<FeedbackView> Feedback);

    private sealed record FeedbackView(string Outcome, DateTimeOffset OutcomeTimestamp, DateTimeOffset ReceivedAt, string? ClientIssuer, IReadOnlyList<string> AcceptedSuggestions, ReasonView? OverrideReason)
    {
        public static FeedbackView Of(FeedbackRecord f) => new(
            f.Outcome,
            f.OutcomeTimestamp,
            f.ReceivedAt,
            f.ClientIssuer,
            f.AcceptedSuggestions,
            f.ReasonCode is null && f.UserComment is null ? null : new ReasonView(f.ReasonSystem, f.ReasonCode, f.UserComment));
    }

    private sealed record ReasonView(string? System, string? Code, string? UserComment);

    private sealed record CallSummary(string Id, string HookInstance, DateTimeOffset Time, string ServiceId, string? ClientIssuer, string? PatientKey);

    private sealed record CoverageAssertionView(string CoverageAssertionId, CoverageAssertion? Guidance, DeterminationRecord? Determination, CallSummary? HookCall);

    private sealed record FeedbackSummaryView(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SummaryRow> Rows);

    private sealed record SummaryRow(string Criterion, string Outcome, int Count, IReadOnlyList<ReasonCount> OverrideReasons, int WithUserComment);

    private sealed record ReasonCount(string? System, string Code, int Count);

    private sealed class SummaryAccumulator
    {
        private readonly Dictionary<(string? System, string Code), int> _reasons = [];
        private int _count;
        private int _comments;

        public void Add(FeedbackRecord feedback)
        {
            _count++;
            if (feedback.UserComment is not null)
            {
                _comments++;
            }

            if (feedback.ReasonCode is { } code)
            {
                _reasons[(feedback.ReasonSystem, code)] = _reasons.GetValueOrDefault((feedback.ReasonSystem, code)) + 1;
            }
        }

        public SummaryRow View(string criterion, string outcome) => new(
            criterion,
            outcome,
            _count,
            [.. _reasons.OrderByDescending(r => r.Value).Select(r => new ReasonCount(r.Key.System, r.Key.Code, r.Value))],
            _comments);
    }
}
