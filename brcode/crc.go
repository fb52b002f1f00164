package brcode

// crcTable holds CRC-16/CCITT-FALSE of every byte value, so CRC16 works a
// byte at a time.
var crcTable = func() (t [256]uint16) {
	for i := range t {
		crc := uint16(i) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
		t[i] = crc
	}
	return t
}()

// CRC16 returns the CRC-16/CCITT-FALSE checksum of data: polynomial 0x1021,
// initial value 0xFFFF, no reflection and no final XOR. It is the checksum of
// the CRC data object (ID 63) that closes every BR Code (EMV QRCPS
// Merchant-Presented Mode, data object 63; BCB Manual do BR Code), computed
// over the whole payload up to and including "6304". CRC16([]byte("123456789"))
// is 0x29B1.
func CRC16(data []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, b := range data {
		crc = crc<<8 ^ crcTable[byte(crc>>8)^b]
	}
	return crc
}
