package export

import (
	"errors"

	"github.com/popfind/popfind/i18n"
)

var textFormat = Format{
	Name: "text", MIME: "text/plain; charset=utf-8", Ext: ".txt",
	Encode: encodeText,
}

func encodeText(a *Account, o Options) ([]byte, []i18n.Msg, error) {
	return nil, nil, errors.New("export: text: not yet")
}
