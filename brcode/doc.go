// Package brcode reads and writes BR Codes, the payloads of Pix QR codes and
// of "Pix Copia e Cola" strings, and draws them as QR code images.
//
// A BR Code is the EMV QR Code Specification for Payment Systems (EMV QRCPS)
// Merchant-Presented Mode payload, as the Banco Central do Brasil profiles it
// for Pix in the Manual do BR Code (an annex of the Manual de Padrões para
// Iniciação do Pix). It is a string of data objects, each a two-digit ID, a
// two-digit length and the value; some values are templates that nest data
// objects the same way. The layout, with illustrative values:
//
//	00 02 01                     payload format indicator
//	01 02 12                     point of initiation (optional): 12 one-time, 11 reusable
//	26 58                        merchant account information (Pix template)
//	   00 14 br.gov.bcb.pix      GUI of Pix
//	   01 36 123e4567-...        chave (static) — or 25: location URL (dynamic)
//	52 04 0000                   merchant category code
//	53 03 986                    currency (BRL)
//	54 05 10.00                  amount (optional)
//	58 02 BR                     country
//	59 13 Fulano de Tal          merchant name, up to 25 characters
//	60 08 BRASILIA               merchant city, up to 15 characters
//	62 07                        additional data field template
//	   05 03 ***                 txid, "***" when none
//	63 04 xxxx                   CRC-16 of all that precedes, "6304" included
//
// # Static and dynamic codes
//
// A static code carries the receiver's Pix key (chave, 26.01), optionally an
// amount (54), a message (26.02) and a txid (62.05); anyone can make one, and
// it can be paid many times. A dynamic code carries instead the URL of a
// location (26.25, without "https://"): the payer's PSP fetches from it a
// payload signed by the receiver's PSP (a JWS) with the charge, its amount,
// txid and expiry. brasa serves those locations and builds their codes with
// [Dynamic]; [Static] builds static codes.
//
// # The CRC
//
// Every BR Code ends with data object 63, four upper-case hex digits of the
// CRC-16/CCITT-FALSE ([CRC16]: polynomial 0x1021, initial value 0xFFFF) of
// the whole payload up to and including "6304". Payer apps reject a code
// whose CRC does not match, which [Parse] reports as [ErrCRC].
//
// # Parsing and encoding
//
// [Parse] checks a payload against the manual and returns a [Code];
// [Encode] writes a Code back, in the canonical order, with a fresh CRC.
// Data objects outside the Pix profile are kept, so a valid code survives
// Parse and Encode unchanged. Errors are [*ParseError] values that name the
// data object at fault. [QRPNG] draws a payload as a PNG image.
package brcode
