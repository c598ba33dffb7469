namespace CdsService.Ehr;

/// <summary>
/// Log events of EHR reads. They name the section, HTTP status, failure type and timings; never a URL (it holds the
/// patient id), a header (the token) or a body (patient data).
/// </summary>
internal static partial class EhrLog
{
    [LoggerMessage(LogLevel.Warning, "FHIR server {FhirServerAuthority} is not on Fhir:AllowedServers; no request sent, its data is treated as unavailable")]
    public static partial void ServerNotAllowed(ILogger logger, string fhirServerAuthority);

    [LoggerMessage(LogLevel.Information, "Read {FetchedSections} of {RequestedSections} record sections from the FHIR server in {ElapsedMs:0.0} ms")]
    public static partial void Fetched(ILogger logger, int fetchedSections, int requestedSections, double elapsedMs);

    [LoggerMessage(LogLevel.Debug, "Read {Section} from the FHIR server: {ResourceCount} resources, complete: {Complete}, in {ElapsedMs:0.0} ms")]
    public static partial void SectionRead(ILogger logger, string section, int resourceCount, bool complete, double elapsedMs);

    [LoggerMessage(LogLevel.Information, "The FHIR server answered 404 to the {Section} read; treated as no such record")]
    public static partial void ReadNotFound(ILogger logger, string section);

    [LoggerMessage(LogLevel.Warning, "The FHIR server refused access to {Section} with {Status}; treated as unavailable")]
    public static partial void AccessRefused(ILogger logger, string section, int status);

    [LoggerMessage(LogLevel.Warning, "The FHIR server answered {Status} for {Section}; treated as unavailable")]
    public static partial void ErrorStatus(ILogger logger, string section, int status);

    [LoggerMessage(LogLevel.Warning, "{Section} did not arrive within the {DeadlineMs:0} ms hook deadline; treated as unavailable")]
    public static partial void DeadlinePassed(ILogger logger, string section, double deadlineMs);

    [LoggerMessage(LogLevel.Warning, "The FHIR server could not be read for {Section} ({Failure}); treated as unavailable")]
    public static partial void Unreadable(ILogger logger, string section, string failure);

    [LoggerMessage(LogLevel.Warning, "The FHIR server sent {Received} for {Section}; treated as unavailable")]
    public static partial void UnexpectedBody(ILogger logger, string section, string received);

    [LoggerMessage(LogLevel.Warning, "The {Section} search has a next link off the FHIR server; not followed, the section counts as incomplete")]
    public static partial void ForeignNextLink(ILogger logger, string section);

    [LoggerMessage(LogLevel.Warning, "The {Section} search has more than {MaxPages} pages; the rest is not read and the section counts as incomplete")]
    public static partial void PageCapReached(ILogger logger, string section, int maxPages);

    [LoggerMessage(LogLevel.Warning, "Tolerated {FhirIssueCount} invalid FHIR values from the FHIR server in {Section} ({FhirIssueCodes}); first at {FhirPath}")]
    public static partial void ToleratedFhir(ILogger logger, string section, int fhirIssueCount, string fhirIssueCodes, string fhirPath);
}
