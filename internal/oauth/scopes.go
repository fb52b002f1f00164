package oauth

// PixScopes lists every scope of the Pix API v2 that brasa serves (spec
// securitySchemes.OAuth2), in the order the spec lists them.
var PixScopes = []string{
	"cob.write", "cob.read",
	"cobv.write", "cobv.read",
	"lotecobv.write", "lotecobv.read",
	"pix.write", "pix.read",
	"webhook.write", "webhook.read",
	"payloadlocation.write", "payloadlocation.read",
}

// Modalidade scope sets, as Sicredi grants them per contracted modality (seed
// 000, Anexo III "Modalidades de recebimento via API Pix e respectivos
// escopos"), plus the Pix, webhook and location scopes every contract gets.
var (
	ScopesCobranca           = []string{"cob.write", "cob.read"}
	ScopesCobrancaVencimento = []string{"cobv.write", "cobv.read", "lotecobv.write", "lotecobv.read"}
	ScopesPixRecebidos       = []string{"pix.write", "pix.read"}
	ScopesWebhook            = []string{"webhook.write", "webhook.read"}
	ScopesLocation           = []string{"payloadlocation.write", "payloadlocation.read"}
)

// KnownPixScope reports whether s is a scope of the Pix API.
func KnownPixScope(s string) bool {
	for _, k := range PixScopes {
		if k == s {
			return true
		}
	}
	return false
}
