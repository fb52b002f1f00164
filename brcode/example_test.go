package brcode_test

import (
	"errors"
	"fmt"

	"github.com/brasa-dev/brasa/brcode"
)

func ExampleParse() {
	c, err := brcode.Parse("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000520400005303986540510.005802BR5913Fulano de Tal6008BRASILIA62110507TXID123630413F3")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("static:", c.IsStatic())
	fmt.Println("chave:", c.Chave)
	fmt.Println("amount:", c.Amount)
	fmt.Println("receiver:", c.MerchantName, "/", c.MerchantCity)
	fmt.Println("txid:", c.TxID)
	// Output:
	// static: true
	// chave: 123e4567-e12b-12d1-a456-426655440000
	// amount: 10.00
	// receiver: Fulano de Tal / BRASILIA
	// txid: TXID123
}

func ExampleParse_crcMismatch() {
	_, err := brcode.Parse("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3E")
	fmt.Println(errors.Is(err, brcode.ErrCRC))
	fmt.Println(err)
	// Output:
	// true
	// brcode: field 63: CRC mismatch: the code says 1D3E but its contents give 1D3D
}

func ExampleDynamic() {
	s, err := brcode.Dynamic("https://pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441", "Fulano de Tal", "Brasília")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	// Output:
	// 00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008Brasilia62070503***6304C97C
}

func ExampleStatic() {
	s, err := brcode.Static("123e4567-e12b-12d1-a456-426655440000", "Fulano de Tal", "BRASILIA", "10.00", "TXID123", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	// Output:
	// 00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000520400005303986540510.005802BR5913Fulano de Tal6008BRASILIA62110507TXID123630413F3
}

func ExampleEncode() {
	c, err := brcode.Parse("00020101021226770014BR.GOV.BCB.PIX2555pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a995204000053039865802BR5907EMPRESA6009SAO PAULO62070503***6304EEAB")
	if err != nil {
		fmt.Println(err)
		return
	}
	c.MerchantName = "OUTRA EMPRESA"
	s, err := brcode.Encode(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	// Output:
	// 00020101021226770014BR.GOV.BCB.PIX2555pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a995204000053039865802BR5913OUTRA EMPRESA6009SAO PAULO62070503***63046478
}
