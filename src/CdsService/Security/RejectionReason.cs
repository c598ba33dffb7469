using Microsoft.IdentityModel.Tokens;

namespace CdsService.Security;

/// <summary>
/// Why a call was refused. Logged by name (never the token) so an operator can tell an EHR which rule its tokens break,
/// while the client itself only ever sees a bare 401.
/// </summary>
internal enum RejectionReason
{
    TokenMissing,
    TokenMalformed,
    TypInvalid,
    AlgRejected,
    IssUntrusted,
    JkuUntrusted,
    KidMissing,
    KidUnknown,
    SignatureInvalid,
    AudMismatch,
    ExpMissing,
    ExpPassed,
    NotYetValid,
    IatMissing,
    IatInFuture,
    LifetimeTooLong,
    JtiMissing,
    JtiReplayed,
    TenantUntrusted,

    /// <summary>This remote address has had too many refused tokens recently; the token was not looked at.</summary>
    TooManyFailures,
    Invalid,
}

/// <summary>A token refused by one of this service's own checks, carrying the reason for the log.</summary>
internal sealed class CdsTokenRejectedException(RejectionReason reason) : Exception($"CDS client token rejected: {reason}")
{
    public RejectionReason Reason { get; } = reason;

    /// <summary>The reason behind a JwtBearer authentication failure, ours or Microsoft.IdentityModel's.</summary>
    public static RejectionReason ReasonOf(Exception? failure) => failure switch
    {
        null => RejectionReason.TokenMissing,
        CdsTokenRejectedException e => e.Reason,
        AggregateException { InnerExceptions.Count: 1 } e => ReasonOf(e.InnerExceptions[0]),

        // Most derived first: several of these inherit from one another.
        SecurityTokenInvalidAudienceException => RejectionReason.AudMismatch,
        SecurityTokenNoExpirationException => RejectionReason.ExpMissing,
        SecurityTokenExpiredException => RejectionReason.ExpPassed,
        SecurityTokenNotYetValidException => RejectionReason.NotYetValid,
        SecurityTokenInvalidIssuerException => RejectionReason.IssUntrusted,
        SecurityTokenSignatureKeyNotFoundException => RejectionReason.KidUnknown,
        SecurityTokenInvalidSignatureException => RejectionReason.SignatureInvalid,
        SecurityTokenInvalidAlgorithmException => RejectionReason.AlgRejected,
        SecurityTokenInvalidTypeException => RejectionReason.TypInvalid,
        SecurityTokenMalformedException => RejectionReason.TokenMalformed,
        _ => RejectionReason.Invalid,
    };
}
