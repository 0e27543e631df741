package export

import (
	"errors"

	"github.com/popfind/popfind/i18n"
)

var autodiscoverFormat = Format{
	Name: "autodiscover", MIME: "application/xml", Ext: ".xml",
	Encode: encodeAutodiscover,
}

func encodeAutodiscover(a *Account, o Options) ([]byte, []i18n.Msg, error) {
	return nil, nil, errors.New("export: autodiscover: not yet")
}
