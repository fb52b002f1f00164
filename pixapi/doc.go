// Package pixapi is a Go client for the BACEN Pix API v2 as payment service
// providers (PSPs) such as Sicredi serve it, and for brasa, which implements
// it. It uses only the standard library (and go-pkcs12 to read .pfx files).
//
// The Pix API authenticates every call twice: the TLS connection presents a
// client certificate issued by the PSP (mTLS), and each request carries an
// OAuth2 access token obtained with the client_credentials grant from
// POST /oauth/token over that same connection. The token is bound to the
// certificate, so both must belong to the same credential. A [Client] does
// both for you.
//
// The package also holds the wire types of the API, named as in the BACEN
// specification ([CobCompleta], [Pix], [Problem], [Token], ...): brasa's
// server renders the same types, so client and server cannot drift apart.
// The Client has a method per operation of the API (Pix Automático aside),
// and [Client.Do] reaches anything else.
//
// # Quick start with the sandbox
//
// `brasa sandbox` writes DIR/sandbox.json with everything a client needs: the
// API URL, the CA that signed the sandbox's server certificates, and a demo
// credential with its client certificate. [NewFromSandbox] reads it:
//
//	c, err := pixapi.NewFromSandbox("brasa-data/sandbox.json")
//	if err != nil {
//		log.Fatal(err)
//	}
//	cob, err := c.GetCob(ctx, txid, nil)
//
// [LoadSandbox] returns the parsed file ([Sandbox]) when you need its other
// values, such as the demo Pix key or the admin token of the sandbox control
// API.
//
// # Connecting to a PSP
//
// Against a real PSP, give [New] the API root and the files the PSP's
// developer portal gave you:
//
//	c, err := pixapi.New("https://api-pix.sicredi.com.br",
//		pixapi.WithCertificateFiles("cert.cer", "aplicacao.key"), // PEM or DER
//		pixapi.WithRootCAFile("cadeia-completa.pem"),
//		pixapi.WithCredentials(clientID, clientSecret),
//		pixapi.WithScopes("cob.read", "cob.write", "pix.read"),
//	)
//
// [WithCertificateFiles] accepts the certificate as PEM or DER (the binary
// .cer Internet Banking downloads) and the key as PEM or DER in PKCS#8,
// PKCS#1 or SEC1 form. It fails early, with errors wrapping
// [ErrEncryptedKey] or [ErrKeyMismatch], on the two mistakes that otherwise
// surface as an opaque 403 from the server: a password-protected key, and a
// key that does not belong to the certificate (KEY_VALUES_MISMATCH). A
// PKCS#12 file works too ([WithPKCS12File]), and so does an already loaded
// [crypto/tls.Certificate] ([WithCertificate]). Connections use TLS 1.2 or
// later. To control the transport yourself, pass [WithHTTPClient]; that
// client is used as is.
//
// # Requests
//
// Each operation of the API has a method, named after what it does to which
// resource: Create (PUT or POST that creates), Update (PATCH), Get, List,
// Delete, and UnlinkLocTxID (DELETE /loc/{id}/txid); PutLoteCobV,
// PatchLoteCobV and PutWebhook keep the HTTP verb, since those PUTs create
// or replace. The sections below list them. The
// methods escape path parameters (a phone key's "+", an e-mail key's "@"
// stay readable; "/" and spaces are escaped) and refuse an empty one
// before sending anything.
//
// [Client.Do] sends any other request to a path under [APIPrefix], encoding
// the body as JSON and decoding a 2xx response into the value you pass:
//
//	err := c.Do(ctx, http.MethodPut, pixapi.APIPrefix+"/cob/"+txid, req, &cob)
//
// Every method takes a [context.Context] first; there are no variants
// without one. [Client.HTTPClient] returns the underlying mTLS client for
// calls Do does not cover.
//
// # Wire types
//
// The types mirror the schemas of the specification (release 2.9.0), each
// naming the schema it mirrors, with the JSON names of the spec. What is
// easy to get wrong:
//
//   - Money and percentages are strings with two decimals, "123.45" (or
//     "2.00" for 2%), never floats.
//   - Date-times are [Timestamp]s: written in UTC with milliseconds
//     ("2020-09-09T20:15:00.358Z"), read in any RFC 3339 form. Calendar
//     dates (a cobv's due date) are [Data]s, "YYYY-MM-DD", dates in
//     Brasília: build them with [DataOf] from a time in America/Sao_Paulo.
//   - Required fields are always sent, even when zero: revisao 0 is the
//     first revision. Optional fields are left out when empty. Optional
//     numbers and booleans whose zero differs from their absence are
//     pointers, set with [Ptr]: [CobValor.ModalidadeAlteracao] (absent means
//     0 but PSPs echo an explicit 0), [CobCalendarioSolicitado.Expiracao]
//     (absent means 86400, 0 is an error),
//     [CobVCalendarioSolicitado.ValidadeAposVencimento] (absent means 30, 0
//     is valid), and the list filters LocationPresente, TxIDPresente and
//     DevolucaoPresente. An unset Timestamp is left out.
//   - Request bodies have their own types, whose fields are what may be
//     sent: CobSolicitada for PUT and POST, CobRevisada for PATCH (every
//     field optional), and so on.
//   - Status values are typed constants: [CobStatus] ([StatusAtiva], ...),
//     [DevolucaoStatus], [LoteCobVItemStatus], [DevolucaoNatureza],
//     [TipoCob], [ModalidadeAgente].
//   - Unknown JSON fields are ignored when reading, as the spec's
//     compatibility rules ask.
//
// # Immediate charges (cob)
//
// [Client.CreateCob] creates a charge under your txid (PUT /cob/{txid}),
// [Client.CreateCobPSPTxID] lets the PSP choose it (POST /cob),
// [Client.UpdateCob] revises or removes it (PATCH), [Client.GetCob] reads it
// or one of its revisions, and [Client.ListCobs] lists them. The body is a
// [CobSolicitada] (or [CobRevisada]); the answer a [CobCompleta], whose Pix
// lists the payments received once it is CONCLUIDA. An expired charge stays
// ATIVA: expiry is for payers to refuse it. For a Pix Saque or Pix Troco,
// set [CobValor.Retirada]. [CobPayload] is the payload JSON a payer's app
// fetches from the charge's location.
//
// # Charges with a due date (cobv)
//
// [Client.CreateCobV], [Client.UpdateCobV], [Client.GetCobV] and
// [Client.ListCobsV] do the same for [CobVSolicitada], [CobVRevisada] and
// [CobVCompleta]: a due date ([CobVCalendarioSolicitado]), a required
// [Devedor], and fines, interest, reductions and discounts ([Multa],
// [Juros], [Abatimento], [Desconto]) that the PSP applies on the payment
// date; [CobVPayload] carries the computed amounts.
//
// # Batches of charges with a due date (lotecobv)
//
// [Client.PutLoteCobV] creates a batch of charges, or re-submits all of
// them, and [Client.PatchLoteCobV] revises some; both answer 202 without a
// body, as the charges are created asynchronously. [Client.GetLoteCobV]
// reports each request as EM_PROCESSAMENTO, CRIADA or NEGADA (with the
// [Problem]), and [Client.ListLotesCobV] lists the batches.
//
// # Locations (loc)
//
// A location is the URL a dynamic QR code carries. [Client.CreateLoc] makes
// one for a cob or a cobv, to link in a charge's Loc before creating it
// (without one, the PSP generates it); [Client.GetLoc] and [Client.ListLocs]
// read them, and [Client.UnlinkLocTxID] frees one from its charge. The type
// is [Loc] ([PayloadLocation]).
//
// # Pix received and refunds
//
// [Client.GetPix] and [Client.ListPix] read the [Pix] received, with their
// [ComponentesValor] and refunds. [Client.CreateDevolucao] requests a refund
// under an id you choose (so a retry cannot refund twice), and
// [Client.GetDevolucao] follows it from EM_PROCESSAMENTO to DEVOLVIDO or
// NAO_REALIZADO.
//
// # Webhooks
//
// [Client.PutWebhook] points the notifications of a Pix key at a URL;
// [Client.GetWebhook], [Client.ListWebhooks] and [Client.DeleteWebhook]
// manage them. The PSP POSTs a [WebhookPixBody] to the URL followed by
// "/pix" when a Pix with a txid is received and when one of its refunds is
// settled or fails. Delivery is at least once: deduplicate by endToEndId
// (and refund id). On your side, [Receiver] is an http.Handler that decodes
// those POSTs, and [ReceiverTLSConfig] the server TLS configuration that
// demands the PSP's client certificate.
//
// # The sandbox
//
// Against `brasa sandbox`, [Sandbox.Pay] pays a BR Code with the sandbox's
// payer simulator, so a test can go from charge to Pix to refund to webhook
// without a person; the fullFlow example does exactly that.
//
// # Lists
//
// The List methods take a params struct (such as [CobListParams]) turned
// into the spec's query parameters: inicio and fim (required except for
// webhooks, creation times, inclusive, sent in UTC), the filters, and
// paginacao.paginaAtual and paginacao.itensPorPagina. Zero fields are not
// sent, so the server's defaults apply (page 0, 100 items). The answer's
// Parametros.Paginacao tells how many pages there are; see the ListCobs
// example for a loop over them.
//
// # Tokens
//
// [Client.Token] returns the access token, requesting one when needed, and Do
// calls it for every request. The token is cached in the Client and replaced
// shortly before it expires: by default 5 minutes before, or at half its
// lifetime if that is shorter than 10 minutes ([WithRefreshBefore]). Expiry
// is computed from the moment the token request started, so a slow response
// never makes the client overestimate the token's life. Concurrent callers
// needing a new token share a single request; if it fails, they all receive
// its error and the next call tries again. If the server answers a request
// with 401 (a token revoked or expired early), Do drops the token, requests a
// new one and retries the request once.
//
// The token request authenticates with HTTP Basic, client id and secret each
// form-encoded first (RFC 6749 §2.3.1), and sends grant_type=client_credentials
// and the scopes of [WithScopes] separated by spaces. Share one Client per
// credential: each Client keeps its own token.
//
// # Errors
//
// A non-2xx response becomes a typed error:
//
//   - [*Problem] for an RFC 7807 body (application/problem+json), the Pix
//     API's error format. Its Type names the error (use [Problem.Tipo] for
//     the short name, such as "CobOperacaoInvalida"), and Violacoes lists the
//     rejected fields. A JSON array of problems, which Sicredi's token
//     endpoint sends for its 400 errors ("Escopo vazio", "Escopo negado"),
//     also becomes a *Problem when it has one element, and a [*ProblemList]
//     when it has more; [errors.As] finds the first *Problem in both.
//   - [*HTTPError] for anything else, such as the HTML "Access Denied" page
//     a PSP serves with 403 when no client certificate was presented. It
//     keeps the status and the start of the body.
//
// Both match the sentinels [ErrUnauthorized] (401), [ErrForbidden] (403) and
// [ErrNotFound] (404) with [errors.Is], so most callers need no type at all:
//
//	var p *pixapi.Problem
//	switch {
//	case errors.Is(err, pixapi.ErrNotFound):
//		// no such charge
//	case errors.As(err, &p):
//		for _, v := range p.Violacoes {
//			log.Printf("%s: %s", v.Propriedade, v.Razao)
//		}
//	case err != nil:
//		return err
//	}
//
// Errors of the token request carry the prefix "pixapi: token request:" and
// unwrap to the same types. Messages start with "pixapi: "; match errors with
// errors.Is and errors.As, never by their text.
package pixapi
