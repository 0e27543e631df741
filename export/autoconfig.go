package export

import (
	"errors"

	"github.com/popfind/popfind/i18n"
)

var autoconfigFormat = Format{
	Name: "autoconfig", MIME: "application/xml", Ext: ".xml",
	Encode: encodeAutoconfig,
}

func encodeAutoconfig(a *Account, o Options) ([]byte, []i18n.Msg, error) {
	return nil, nil, errors.New("export: autoconfig: not yet")
}
