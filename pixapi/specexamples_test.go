package pixapi_test

// Excerpts of components.examples of the BACEN Pix API spec 2.9.0
// (../shared/specs/pix-api-2.9.0.yaml), converted from YAML to JSON with
// nothing changed: each constant is named after its example. The list
// examples (getCobs2, getCobsV1, getLotesCobsV, getPayloadLocation1, getPix1,
// getWebhook1) reference these by $ref; listOf assembles them in the tests.
//
// The examples do not all satisfy the spec's schemas; the tests name each
// deviation where they account for it.

const (
	// cobBody1: Exemplo de criação de cobrança com vencimento 1
	exCobBody1 = `{
		"calendario": {
			"dataDeVencimento": "2020-12-31",
			"validadeAposVencimento": 30
		},
		"loc": {
			"id": 789
		},
		"devedor": {
			"logradouro": "Alameda Souza, Numero 80, Bairro Braz",
			"cidade": "Recife",
			"uf": "PE",
			"cep": "70011750",
			"cpf": "12345678909",
			"nome": "Francisco da Silva"
		},
		"valor": {
			"original": "123.45",
			"multa": {
				"modalidade": "2",
				"valorPerc": "15.00"
			},
			"juros": {
				"modalidade": "2",
				"valorPerc": "2.00"
			},
			"desconto": {
				"modalidade": "1",
				"descontoDataFixa": [
					{
						"data": "2020-11-30",
						"valorPerc": "30.00"
					}
				]
			}
		},
		"chave": "5f84a4c5-c5cb-4599-9f13-7eb4d419dacc",
		"solicitacaoPagador": "Cobrança dos serviços prestados."
	}`

	// cobBody2: Exemplo de criação de cobrança imediata 1
	exCobBody2 = `{
		"calendario": {
			"expiracao": 3600
		},
		"devedor": {
			"cnpj": "12345678000195",
			"nome": "Empresa de Serviços SA"
		},
		"valor": {
			"original": "37.00",
			"modalidadeAlteracao": 1
		},
		"chave": "7d9f0335-8dcc-4054-9bf9-0dbd61d36906",
		"solicitacaoPagador": "Serviço realizado.",
		"infoAdicionais": [
			{
				"nome": "Campo 1",
				"valor": "Informação Adicional1 do PSP-Recebedor"
			},
			{
				"nome": "Campo 2",
				"valor": "Informação Adicional2 do PSP-Recebedor"
			}
		]
	}`

	// cobBody3: Exemplo de revisão de cobrança 1
	exCobBody3 = `{
		"loc": {
			"id": 7768
		},
		"devedor": {
			"cpf": "12345678909",
			"nome": "Francisco da Silva"
		},
		"valor": {
			"original": "123.45"
		},
		"solicitacaoPagador": "Cobrança dos serviços prestados."
	}`

	// cobBody5: Exemplo de revisão de cobrança 3
	exCobBody5 = `{
		"status": "REMOVIDA_PELO_USUARIO_RECEBEDOR"
	}`

	// cobBody6: Exemplo de criação de cobrança imediata com Saque Pix
	exCobBody6 = `{
		"devedor": {
			"cnpj": "12345678000195",
			"nome": "Empresa de Serviços SA"
		},
		"valor": {
			"original": "0.00",
			"modalidadeAlteracao": 0,
			"retirada": {
				"saque": {
					"valor": "5.00",
					"modalidadeAlteracao": 0,
					"modalidadeAgente": "AGPSS",
					"prestadorDoServicoDeSaque": "12345678"
				}
			}
		},
		"chave": "7d9f0335-8dcc-4054-9bf9-0dbd61d36906"
	}`

	// cobBody7: Exemplo de revisão de cobrança com vencimento 1
	exCobBody7 = `{
		"loc": {
			"id": 789
		},
		"devedor": {
			"logradouro": "Alameda Souza, Numero 80, Bairro Braz",
			"cidade": "Recife",
			"uf": "PE",
			"cep": "70011750",
			"cpf": "12345678909",
			"nome": "Francisco da Silva"
		},
		"valor": {
			"original": "123.45"
		},
		"solicitacaoPagador": "Cobrança dos serviços prestados."
	}`

	// cobResponse1: Exemplo de cobrança imediata 1
	exCobResponse1 = `{
		"calendario": {
			"criacao": "2020-09-09T20:15:00.358Z",
			"expiracao": 3600
		},
		"txid": "7978c0c97ea847e78e8849634473c1f1",
		"revisao": 0,
		"loc": {
			"id": 789,
			"location": "pix.example.com/qr/9d36b84fc70b478fb95c12729b90ca25",
			"tipoCob": "cob"
		},
		"location": "pix.example.com/qr/9d36b84fc70b478fb95c12729b90ca25",
		"status": "ATIVA",
		"devedor": {
			"cnpj": "12345678000195",
			"nome": "Empresa de Serviços SA"
		},
		"valor": {
			"original": "37.00",
			"modalidadeAlteracao": 1
		},
		"chave": "7d9f0335-8dcc-4054-9bf9-0dbd61d36906",
		"solicitacaoPagador": "Serviço realizado.",
		"infoAdicionais": [
			{
				"nome": "Campo 1",
				"valor": "Informação Adicional1 do PSP-Recebedor"
			},
			{
				"nome": "Campo 2",
				"valor": "Informação Adicional2 do PSP-Recebedor"
			}
		]
	}`

	// cobResponse2: Exemplo de cobrança imediata 2
	exCobResponse2 = `{
		"calendario": {
			"criacao": "2020-09-09T20:15:00.358Z",
			"expiracao": 3600
		},
		"txid": "655dfdb1a4514b8fbb58254b958913fb",
		"revisao": 1,
		"loc": {
			"id": 567,
			"location": "pix.example.com/qr/1dd7f893a58e417287028dc33e21a403"
		},
		"location": "pix.example.com/qr/1dd7f893a58e417287028dc33e21a403",
		"status": "CONCLUIDA",
		"devedor": {
			"cnpj": "12345678000195",
			"nome": "Empresa de Serviços SA"
		},
		"valor": {
			"original": "100.00",
			"modalidadeAlteracao": 0
		},
		"chave": "40a0932d-1918-4eee-845d-35a2da1690dc",
		"solicitacaoPagador": "Informar cartão fidelidade",
		"pix": [
			{
				"endToEndId": "E1234567820200909122120200808008",
				"txid": "655dfdb1a4514b8fbb58254b958913fb",
				"valor": "110.00",
				"horario": "2020-09-09T20:15:00.358Z",
				"infoPagador": "0123456789",
				"devolucoes": [
					{
						"id": "123ABC",
						"rtrId": "D1234567820200909122120200808006",
						"valor": "10.00",
						"horario": {
							"solicitacao": "2020-09-09T20:15:00.358Z"
						},
						"status": "EM_PROCESSAMENTO"
					}
				]
			}
		]
	}`

	// cobResponse3: Exemplo de cobrança revisada 1
	exCobResponse3 = `{
		"calendario": {
			"criacao": "2020-09-09T20:15:00.358Z",
			"expiracao": 3600
		},
		"txid": "7978c0c97ea847e78e8849634473c1f1",
		"revisao": 1,
		"loc": {
			"id": 7768,
			"location": "pix.example.com/qr/b1/9d36b84fc70b478fb95c12729b90ca25",
			"tipoCob": "cob"
		},
		"location": "pix.example.com/qr/v1/9d36b84fc70b478fb95c12729b90ca25",
		"status": "ATIVA",
		"devedor": {
			"cpf": "12345678909",
			"nome": "Francisco da Silva"
		},
		"valor": {
			"original": "123.45",
			"modalidadeAlteracao": 0
		},
		"chave": "a1f4102e-a446-4a57-bcce-6fa48899c1d1",
		"solicitacaoPagador": "Cobrança dos serviços prestados."
	}`

	// cobResponse4: Exemplo de cobrança com vencimento 1
	exCobResponse4 = `{
		"calendario": {
			"criacao": "2020-09-09T20:15:00.358Z",
			"dataDeVencimento": "2020-12-31",
			"validadeAposVencimento": 30
		},
		"txid": "7978c0c97ea847e78e8849634473c1f1",
		"revisao": 0,
		"loc": {
			"id": 789,
			"location": "pix.example.com/qr/c2/cobv/9d36b84fc70b478fb95c12729b90ca25",
			"tipoCob": "cobv"
		},
		"status": "ATIVA",
		"devedor": {
			"logradouro": "Alameda Souza, Numero 80, Bairro Braz",
			"cidade": "Recife",
			"uf": "PE",
			"cep": "70011750",
			"cpf": "12345678909",
			"nome": "Francisco da Silva"
		},
		"recebedor": {
			"logradouro": "Rua 15 Numero 1200, Bairro São Luiz",
			"cidade": "São Paulo",
			"uf": "SP",
			"cep": "70800100",
			"cnpj": "56989000019533",
			"nome": "Empresa de Logística SA"
		},
		"valor": {
			"original": "123.45"
		},
		"chave": "5f84a4c5-c5cb-4599-9f13-7eb4d419dacc",
		"solicitacaoPagador": "Cobrança dos serviços prestados."
	}`

	// cobResponse5: Exemplo de cobrança imediata com Saque Pix
	exCobResponse5 = `{
		"calendario": {
			"criacao": "2020-09-09T20:15:00.358Z",
			"expiracao": 3600
		},
		"txid": "33beb661beda44a8928fef47dbeb2dc5",
		"revisao": 0,
		"loc": {
			"id": 1004,
			"location": "pix.example.com/qr/7faa6893c4e64893a503baf0d40af213",
			"tipoCob": "cob"
		},
		"location": "pix.example.com/qr/7faa6893c4e64893a503baf0d40af213",
		"status": "ATIVA",
		"devedor": {
			"cnpj": "12345678000195",
			"nome": "Empresa de Serviços SA"
		},
		"valor": {
			"original": "0.00",
			"modalidadeAlteracao": 0,
			"retirada": {
				"saque": {
					"valor": "5.00",
					"modalidadeAlteracao": 0,
					"modalidadeAgente": "AGPSS",
					"prestadorDoServicoDeSaque": "12345678"
				}
			}
		},
		"chave": "7d9f0335-8dcc-4054-9bf9-0dbd61d36906"
	}`

	// cobResponse7: Exemplo de cobrança imediata com Saque Pix 3
	exCobResponse7 = `{
		"calendario": {
			"criacao": "2020-09-09T20:15:00.358Z",
			"expiracao": 3600
		},
		"txid": "33beb661beda44a8928fef47dbeb2dc5",
		"revisao": 0,
		"loc": {
			"id": 1004,
			"location": "pix.example.com/qr/7faa6893c4e64893a503baf0d40af213",
			"tipoCob": "cob"
		},
		"location": "pix.example.com/qr/7faa6893c4e64893a503baf0d40af213",
		"status": "ATIVA",
		"devedor": {
			"cnpj": "12345678000195",
			"nome": "Empresa de Serviços SA"
		},
		"valor": {
			"original": "10.00",
			"modalidadeAlteracao": 0,
			"retirada": {
				"troco": {
					"valor": "0.00",
					"modalidadeAlteracao": 1,
					"modalidadeAgente": "AGTEC",
					"prestadorDoServicoDeSaque": "12345678"
				}
			}
		},
		"chave": "7d9f0335-8dcc-4054-9bf9-0dbd61d36906"
	}`

	// cobPayload1: Exemplo de payload de cobrança imediata 1
	exCobPayload1 = `{
		"calendario": {
			"criacao": "2020-09-15T19:39:54.013Z",
			"apresentacao": "2020-04-01T18:00:00Z",
			"expiracao": 3600
		},
		"txid": "fc9a4366ff3d4964b5dbc6c91a8722d3",
		"revisao": 3,
		"status": "ATIVA",
		"valor": {
			"original": "500.00",
			"modalidadeAlteracao": 0
		},
		"chave": "7407c9c8-f78b-11ea-adc1-0242ac120002",
		"solicitacaoPagador": "Informar cartao fidelidade",
		"infoAdicionais": [
			{
				"nome": "quantidade",
				"valor": "2"
			}
		]
	}`

	// cobPayload2: Exemplo de payload de cobrança com vencimento 1
	exCobPayload2 = `{
		"calendario": {
			"criacao": "2020-09-15T19:39:54.013Z",
			"apresentacao": "2020-04-01T18:00:00Z",
			"dataDeVencimento": "2020-12-31",
			"validadeAposVencimento": 30
		},
		"devedor": {
			"cnpj": "56989000019533",
			"nome": "Empresa de Alimentos SA"
		},
		"recebedor": {
			"logradouro": "Rua 20 Numero 70, Bairro Luz",
			"cidade": "Belo Horizonte",
			"uf": "MG",
			"cep": "55120750",
			"cnpj": "58900633120711",
			"nome": "Empresa de Abastecimento SA"
		},
		"txid": "fc9a4366ff3d4964b5dbc6c91a8722d3",
		"revisao": 3,
		"status": "ATIVA",
		"valor": {
			"original": "123.45",
			"multa": "15.00",
			"juros": "2.00",
			"final": "140.45"
		},
		"chave": "7407c9c8-f78b-11ea-adc1-0242ac120002",
		"solicitacaoPagador": "Informar cartao fidelidade",
		"infoAdicionais": [
			{
				"nome": "quantidade",
				"valor": "2"
			}
		]
	}`

	// loteCobVBody1: Exemplo de criação de lote de cobranças com vencimento 1
	exLoteCobVBody1 = `{
		"descricao": "Cobranças dos alunos do turno vespertino",
		"cobsv": [
			{
				"calendario": {
					"dataDeVencimento": "2020-12-31",
					"validadeAposVencimento": 30
				},
				"txid": "fb2761260e554ad593c7226beb5cb650",
				"loc": {
					"id": 789
				},
				"devedor": {
					"logradouro": "Alameda Souza, Numero 80, Bairro Braz",
					"cidade": "Recife",
					"uf": "PE",
					"cep": "70011750",
					"cpf": "08577095428",
					"nome": "João Souza"
				},
				"valor": {
					"original": "100.00"
				},
				"chave": "7c084cd4-54af-4172-a516-a7d1a12b75cc",
				"solicitacaoPagador": "Informar matrícula"
			},
			{
				"calendario": {
					"dataDeVencimento": "2020-12-31",
					"validadeAposVencimento": 30
				},
				"txid": "7978c0c97ea847e78e8849634473c1f1",
				"loc": {
					"id": 57221
				},
				"devedor": {
					"logradouro": "Rua 15, Numero 1, Bairro Campo Grande",
					"cidade": "Recife",
					"uf": "PE",
					"cep": "70055751",
					"cpf": "15311295449",
					"nome": "Manoel Silva"
				},
				"valor": {
					"original": "100.00"
				},
				"chave": "7c084cd4-54af-4172-a516-a7d1a12b75cc",
				"solicitacaoPagador": "Informar matrícula"
			}
		]
	}`

	// loteCobVBodyRevisado1: Exemplo de revisão de lote de cobranças com vencimento 1
	exLoteCobVBodyRevisado1 = `{
		"cobsv": [
			{
				"calendario": {
					"dataDeVencimento": "2020-01-10"
				},
				"txid": "fb2761260e554ad593c7226beb5cb650",
				"valor": {
					"original": "110.00"
				}
			},
			{
				"calendario": {
					"dataDeVencimento": "2020-01-10"
				},
				"txid": "7978c0c97ea847e78e8849634473c1f1",
				"valor": {
					"original": "110.00"
				}
			}
		]
	}`

	// loteCobVResponse1: Exemplo de lote de cobranças com vencimento 1
	exLoteCobVResponse1 = `{
		"descricao": "Cobranças dos alunos do turno vespertino",
		"criacao": "2020-11-01T20:15:00.358Z",
		"cobsv": [
			{
				"criacao": "2020-11-01T20:15:00.358Z",
				"txid": "fb2761260e554ad593c7226beb5cb650",
				"status": "CRIADA"
			},
			{
				"txid": "7978c0c97ea847e78e8849634473c1f1",
				"status": "NEGADA",
				"problema": {
					"type": "https://pix.bcb.gov.br/api/v2/error/CobVOperacaoInvalida",
					"title": "Cobrança inválida.",
					"status": 400,
					"detail": "A requisição que busca alterar ou criar uma cobrança com vencimento não respeita o _schema_ ou está semanticamente errada.",
					"violacoes": [
						{
							"razao": "O objeto cobv.devedor não respeita o _schema_.",
							"propriedade": "cobv.devedor"
						}
					]
				}
			}
		]
	}`

	// loteCobVResponse2: Exemplo de lote de cobranças com vencimento 2
	exLoteCobVResponse2 = `{
		"descricao": "Cobranças dos assinantes anuais",
		"criacao": "2020-11-17T20:00:00.358Z",
		"cobsv": [
			{
				"criacao": "2020-11-17T20:00:00.358Z",
				"txid": "06601eaa3822423fbe897f613b983e01",
				"status": "CRIADA"
			},
			{
				"criacao": "2020-11-17T20:00:00.358Z",
				"txid": "4e07059760d54cf493de6e7f1fbfad9a",
				"status": "CRIADA"
			}
		]
	}`

	// payloadLocationBody1: Exemplo de Payload Location 1
	exPayloadLocationBody1 = `{
		"tipoCob": "cob"
	}`

	// payloadLocationResponse1: Exemplo de Payload Location 1
	exPayloadLocationResponse1 = `{
		"id": 7716,
		"txid": "fda9460fe04e4f129b72863ae57ee22f",
		"location": "pix.example.com/qr/v2/cobv/2353c790eefb11eaadc10242ac120002",
		"tipoCob": "cobv",
		"criacao": "2020-03-11T21:19:51.013Z"
	}`

	// payloadLocationResponse2: Exemplo de Payload Location 2
	exPayloadLocationResponse2 = `{
		"id": 856,
		"txid": "31e08604f9ce459bb59672332af8d672",
		"location": "pix.example.com/qr/v2/cobv/39c9f435c6324867aa1dec1260e1127c",
		"tipoCob": "cobv",
		"criacao": "2020-02-10T19:22:52.013Z"
	}`

	// payloadLocationResponse3: Exemplo de Payload Location 3
	exPayloadLocationResponse3 = `{
		"id": 2316,
		"txid": "eb9d87f36fca4c92b7d5ec48e2ee3853",
		"location": "pix.example.com/qr/v2/a8534e273ecb47d3ac30613104544466",
		"tipoCob": "cob",
		"criacao": "2020-05-31T19:39:54.013Z"
	}`

	// payloadLocationResponse4: Exemplo de Payload Location 3
	exPayloadLocationResponse4 = `{
		"id": 2316,
		"location": "pix.example.com/qr/v2/a8534e273ecb47d3ac30613104544466",
		"tipoCob": "cob",
		"criacao": "2020-05-31T19:39:54.013Z"
	}`

	// pixResponse1: Exemplo de Pix 1
	exPixResponse1 = `{
		"endToEndId": "E12345678202009091221abcdef12345",
		"txid": "cd1fe328c875481285a6f233ae41b662",
		"valor": "100.00",
		"horario": "2020-09-10T13:03:33.902Z",
		"infoPagador": "Reforma da casa",
		"devolucoes": [
			{
				"id": "000AAA111",
				"rtrId": "D12345678202009091000abcde123456",
				"valor": "11.00",
				"horario": {
					"solicitacao": "2020-09-10T13:03:33.902Z"
				},
				"status": "EM_PROCESSAMENTO"
			}
		]
	}`

	// pixResponse2: Exemplo de Pix 2
	exPixResponse2 = `{
		"endToEndId": "E12345678202009091221ghijk78901234",
		"txid": "5b933948f3224266b1050ac54319e775",
		"valor": "200.00",
		"horario": "2020-09-10T13:03:33.902Z",
		"infoPagador": "Revisão do carro"
	}`

	// pixResponse3: Exemplo de Pix com Saque
	exPixResponse3 = `{
		"endToEndId": "E88631478202009091221ghijk78901234",
		"txid": "82433415910c47e5adb6ac3527cca160",
		"valor": "200.00",
		"componentesValor": {
			"original": {
				"valor": "180.00"
			},
			"saque": {
				"valor": "20.00",
				"modalidadeAgente": "AGPSS",
				"prestadorDeServicoDeSaque": "12345678"
			}
		},
		"horario": "2020-09-10T13:03:33.902Z",
		"infoPagador": "Saque Pix"
	}`

	// devolucaoSolicitada1: Exemplo de solicitação de devolução 1
	exDevolucaoSolicitada1 = `{
		"valor": "7.89"
	}`

	// devolucaoResponse1: Exemplo de devolução 1
	exDevolucaoResponse1 = `{
		"id": "123456",
		"rtrId": "D12345678202009091000abcde123456",
		"valor": "7.89",
		"horario": {
			"solicitacao": "2020-09-11T15:25:59.411Z"
		},
		"status": "EM_PROCESSAMENTO"
	}`

	// devolucaoResponse2: Exemplo de devolução 2
	exDevolucaoResponse2 = `{
		"id": "502",
		"rtrId": "D12345678202011111000fghij789012",
		"valor": "20.00",
		"horario": {
			"solicitacao": "2020-09-11T15:25:59.411Z"
		},
		"status": "NAO_REALIZADO",
		"motivo": "Negado por timeout"
	}`

	// webhookBody1: Exemplo de configuração de Webhook 1
	exWebhookBody1 = `{
		"webhookUrl": "https://pix.example.com/api/webhook/"
	}`

	// webhookResponse1: Exemplo de consulta de Webhook 1
	exWebhookResponse1 = `{
		"webhookUrl": "https://pix.example.com/api/webhook/",
		"chave": "40a0932d-1918-4eee-845d-35a2da1690dc",
		"criacao": "2020-11-11T10:15:00.358Z"
	}`

	// recWebhookResponse1: Exemplo de webhook de recorrência
	exRecWebhookResponse1 = `{
		"webhookUrl": "https://usuario.recebedor.com/api/webhookrec/",
		"criacao": "2023-12-20T12:51:16.485Z"
	}`
)
